"""checkdigits.py: the check-digit arithmetic the test-data generators share.

Pure functions over digit strings, no randomness: tests/eval/gen.py and
bench/gen_text.py draw their own digits and complete them here, so a
generated card, My Number or corporate number is valid by the same rules
leakguard's validators apply (research/dlp.md section 4).
"""


def luhn_ok(s):
    tot = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return tot % 10 == 0


def luhn_check_digit(body):
    """The digit that makes body + digit pass Luhn."""
    for c in "0123456789":
        if luhn_ok(body + c):
            return c
    raise AssertionError("no Luhn check digit")


def mn_check(base11):
    """My Number (総務省令第八十五号 第五条): weights 6,5,4,3,2,7,6,5,4,3,2."""
    w = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    r = sum(int(a) * b for a, b in zip(base11, w)) % 11
    return "0" if r <= 1 else str(11 - r)


def mn_ok(s):
    return len(s) == 12 and s.isdigit() and mn_check(s[:11]) == s[11]


def corp_check(base12):
    """Corporate number: the FIRST digit, 9 - (sum mod 9), weights 1,2 from the right."""
    s = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(reversed(base12)))
    return str(9 - s % 9)


def corp_ok(s):
    return len(s) == 13 and s.isdigit() and corp_check(s[1:]) == s[0]


def ean13_check(base12):
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(base12))
    return str((10 - s % 10) % 10)


def dl_check(base10):
    """Driver's licence 11th digit (unofficial): weights 5,4,3,2,7,6,5,4,3,2."""
    w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    return str((11 - sum(int(a) * b for a, b in zip(base10, w)) % 11) % 10)
