"""The OpenAPI generator: every operation documents its error responses with the one shape.

Kept apart from core.api because DRF imports the pagination class while it loads itself,
and drf-spectacular's generator imports DRF's generic views."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .api import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Dữ liệu không hợp lệ, JSON sai cú pháp, hoặc thiếu điều kiện (code, field_errors).",
    "401": "Chưa đăng nhập, hoặc token không hợp lệ, đã thu hồi hay hết hạn (`token_expired`).",
    "403": "Không có quyền với đối tượng trong phạm vi của mình.",
    "404": "Không tồn tại hoặc ngoài phạm vi của người gọi (không lộ sự tồn tại).",
    "409": "Người khác vừa xử lý trước, hoặc trạng thái đã thay đổi.",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "404"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, None, direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
