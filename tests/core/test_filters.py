import pytest

from aiguillage.core.templatetags.aiguillage import telephone


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("+33465717828", "04 65 71 78 28"),
        ("0465717828", "04 65 71 78 28"),
        ("+41 22 000", "+41 22 000"),
        ("", ""),
    ],
)
def test_telephone(raw, shown):
    assert telephone(raw) == shown
