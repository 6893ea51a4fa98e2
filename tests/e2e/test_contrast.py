"""Every button and link a person can see has WCAG AA contrast against what is behind it
(4.5:1, or 3:1 for large text), on the main pages, in Vietnamese and in English."""

import pytest

from notifications.models import Notification, Outbox

CONTRAST = """() => {
  function parse(c) {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(x => parseFloat(x));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function lum(c) {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function behind(el) {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const bad = [];
  for (const el of document.querySelectorAll('a, button, input[type=submit], summary')) {
    const box = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (!box.width || !box.height || box.right < 0 || s.visibility === 'hidden') continue;
    const a = lum(parse(s.color)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    if (ratio < (large ? 3 : 4.5)) {
      const label = (el.textContent || el.value || '').trim().slice(0, 40);
      bad.push(label + ' ' + ratio.toFixed(2));
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_buttons_and_links_have_aa_contrast_on_the_main_pages(e2e_world, login, language):
    from tests.workflows.conftest import draft
    from workflows import services

    initiative = services.perform(draft(e2e_world).pk, "submit", actor=e2e_world.staff)
    outbox = Outbox.objects.create(
        recipient=e2e_world.head,
        event="submit",
        reason="task",
        subject_id=initiative.pk,
        payload={},
    )
    Notification.objects.create(
        recipient=e2e_world.head,
        outbox=outbox,
        event="submit",
        subject_id=initiative.pk,
        title="Bạn có nhiệm vụ mới",
        url=f"/mo-hinh/{initiative.pk}/",
    )
    head = login("head")
    head.context.add_cookies([{"name": "django_language", "value": language, "url": head.page.url}])
    pages = [
        "/",
        "/nhiem-vu/",
        "/thong-bao/",
        f"/mo-hinh/{initiative.pk}/",
        f"/mo-hinh/{initiative.pk}/thao-tac/approve/",
        "/don-vi/",
        "/cong-khai/",
    ]
    found = {}
    for path in pages:
        response = head.page.goto(path)
        if response.status == 404:
            continue  # a page this person does not have
        head.page.wait_for_load_state("load")
        assert head.page.locator("html").get_attribute("lang") == language
        bad = head.page.evaluate(CONTRAST)
        if bad:
            found[path] = bad
    assert not found, found
