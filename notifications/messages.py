"""What a message says: one table of titles (by why the person is told) and one of sentences
(by what happened), rendered in the recipient's language with a link to the task or the
initiative. Vietnamese is the source text; English comes from the catalog."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Outbox

# Why this person is told → the title they see.
TITLES = {
    "task": _("Bạn có nhiệm vụ mới: %(title)s"),
    "unit": _("Mô hình của đơn vị: %(title)s"),
    "submitter": _("Mô hình bạn gửi bị trả lại: %(title)s"),
    "prior_actor": _("Mô hình bạn đã xử lý: %(title)s"),
    "council": _("Hội đồng bình xét: %(title)s"),
    "task_cancelled": _("Nhiệm vụ đã hủy: %(title)s"),
    "quorum": _("Đủ số thành viên đã chấm, mời kết thúc chấm điểm: %(title)s"),
    "deadline": _("Sắp hết hạn đăng ký mô hình “Dân vận khéo” (%(deadline)s)"),
    "overdue": _("Nhiệm vụ quá hạn: %(title)s"),
    "escalation": _("Nhiệm vụ quá hạn cần Ban chỉ đạo: %(title)s"),
    "webhook": _("%(title)s"),
    "higher_level": _("Đề cử từ Ban Dân vận cấp dưới: %(title)s"),
    "lower_level": _("Mô hình đã đề cử lên cấp trên: %(title)s"),
    "committee": _("Mô hình Ban Dân vận đã công nhận: %(title)s"),
    "nomination_deadline": _("Nhắc đề cử mô hình lên cấp trên (hạn %(deadline)s)"),
}

# What happened → the sentence that opens the body. The workflow's actions bring their own
# (workflows.lifecycle.actions, registered when the app loads: `register_sentences`), so this
# app never imports the workflow; the reminders' sentences are here.
SENTENCES = {
    "deadline": _(
        "Đơn vị %(unit)s mới đăng ký %(registered)s/%(quota)s mô hình; "
        "hạn đăng ký là %(deadline)s (còn %(days)s ngày)."
    ),
    "overdue": _("Nhiệm vụ “%(step)s” về mô hình “%(title)s” đã quá hạn từ %(due)s."),
    "escalation": _(
        "Nhiệm vụ “%(step)s” về mô hình “%(title)s” (đơn vị %(unit)s) quá hạn từ %(due)s "
        "mà chưa được xử lý."
    ),
}
COMMENT = _("Ý kiến: %(comment)s")


def register_sentences(sentences: dict) -> None:
    """Another app's events and their sentences (lazy, translated when rendered)."""
    SENTENCES.update(sentences)


def register_titles(titles: dict) -> None:
    """Another app's reasons for telling someone and their titles."""
    TITLES.update(titles)


# Subject type → a function giving the site-relative link of an outbox row about it; other
# kinds of process (plans, filings) register theirs when their app loads.
URLS: dict = {}


def register_urls(urls: dict) -> None:
    URLS.update(urls)
OPEN = _("Xem: %(url)s")


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    url: str  # site-relative, for the in-app list

    def absolute_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.url if self.url else ""


def url_for(row: Outbox) -> str:
    try:
        if row.subject_type == "initiative":
            url = reverse("workflows:initiative_detail", args=[row.subject_id])
            return f"{url}#task-{row.task_id}" if row.task_id else url
        if row.event == "nomination_reminder":  # the levels page: what to nominate, to whom
            return reverse("workflows:levels")
        if row.subject_type == "campaign":
            return reverse("workflows:initiative_list")
        if row.subject_type in URLS:
            return URLS[row.subject_type](row)
    except NoReverseMatch:
        return ""
    return ""


def _fields(row: Outbox) -> dict:
    data = {k: v for k, v in row.payload.items() if isinstance(v, str | int | float)}
    data.setdefault("title", "")
    data.setdefault("actor", "")
    return data


def render(row: Outbox, language: str | None = None) -> Rendered:
    """The row's title and body in `language` (the recipient's, by default)."""
    if language is None:
        language = getattr(row.recipient, "language", None) or settings.LANGUAGE_CODE
    data = _fields(row)
    with translation.override(language):
        try:
            title = str(TITLES.get(row.reason, TITLES["unit"])) % data
        except (KeyError, ValueError):
            title = data["title"]
        lines = []
        sentence = SENTENCES.get(row.event)
        if sentence is not None:
            with contextlib.suppress(KeyError, ValueError):
                lines.append(str(sentence) % data)
        if row.payload.get("comment"):
            lines.append(str(COMMENT) % {"comment": row.payload["comment"]})
    return Rendered(title=title[:300], body="\n".join(lines), url=url_for(row))
