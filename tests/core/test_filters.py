import pytest

from aiguillage.core.telephones import telephone_chiffres
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


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("+33 4 65 71 78 28", "0465717828"),
        ("04.65.71.78.28", "0465717828"),
        ("0033465717828", "0033465717828"),
        ("+41 22 000", "4122000"),
        (None, ""),
    ],
)
def test_telephone_chiffres(written, digits):
    assert telephone_chiffres(written) == digits
