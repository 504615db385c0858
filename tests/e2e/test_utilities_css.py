"""static/css/utilities.css holds a rule for every utility class the code uses.

The pages no longer generate their CSS in the browser; if someone adds a class in pages/ and
forgets `python tools/build_css.py`, the class would silently do nothing on every phone.
"""

from __future__ import annotations

import pytest

from tests.e2e.live_app import require_chromium
from tools.build_css import OUTPUT, build

pytestmark = pytest.mark.e2e


def test_prebuilt_utilities_match_the_classes_in_the_code() -> None:
    require_chromium()
    assert OUTPUT.read_text(encoding="utf-8") == build(), (
        "static/css/utilities.css is out of date: run `python tools/build_css.py` and commit it")
