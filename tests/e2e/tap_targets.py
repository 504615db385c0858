"""Measuring what a thumb has to hit: every interactive element's box on the page, in CSS px."""

from __future__ import annotations

from pages.theme import TAP_TARGET_PX

# What can be tapped; a field's tap target is its whole control, a checkbox's its whole row.
MEASURE_JS = """(minimum) => {
  window.scrollTo(0, 0);  // fixed headers are then drawn where they are measured
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[role=link], [role=checkbox], [role=radio], [role=switch], [role=combobox], [role=tab], [role=option], '
    + '.q-checkbox, .q-radio, .q-toggle, .leaflet-control a, [tabindex]:not([tabindex="-1"])';
  const targetOf = (el) => el.closest('.q-field__control') || el.closest('.q-checkbox, .q-radio, .q-toggle')
    || (el.matches('input, textarea') && el.closest('label')) || el;
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
      if (e.getAttribute('aria-hidden') === 'true' || e.hidden) return false;
    }
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.right > 0 && box.left < window.innerWidth;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('href') || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    const cls = [...el.classList].filter((c) => !c.startsWith('nicegui-')).slice(0, 3).join('.');
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} "${text}"`;
  };
  const seen = new Set();
  const measured = [];
  // Boxes drawn over the page (outlines on the elements themselves are undone by Vue's re-renders).
  const layer = document.createElement('div');
  layer.setAttribute('aria-hidden', 'true');
  layer.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;z-index:100000;pointer-events:none';
  for (const el of document.querySelectorAll(SELECTOR)) {
    const target = targetOf(el);
    if (seen.has(target) || !shown(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    const ok = box.width >= minimum - 0.5 && box.height >= minimum - 0.5;
    const mark = document.createElement('div');
    mark.style.cssText = `position:absolute;left:${box.left + scrollX}px;top:${box.top + scrollY}px;`
      + `width:${box.width}px;height:${box.height}px;box-sizing:border-box;`
      + (ok ? 'border:2px solid rgba(46,125,50,.8)' : 'border:3px solid #d50000;background:rgba(213,0,0,.15)');
    layer.append(mark);
    measured.push({what: describe(target), width: Math.round(box.width * 10) / 10,
                   height: Math.round(box.height * 10) / 10, ok});
  }
  document.body.append(layer);
  return measured;
}"""


def measure(page) -> list[dict]:
    """Every interactive element now on ``page`` with its size; outlines them green (big enough) or red."""
    return page.evaluate(MEASURE_JS, TAP_TARGET_PX)


def too_small(measured: list[dict]) -> list[str]:
    return [f'{m["what"]} {m["width"]}x{m["height"]}' for m in measured if not m["ok"]]
