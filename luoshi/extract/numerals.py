"""Chinese numerals: `三十七` → 37, `二〇二三` → 2023, `第 3 4 号` digits, full-width digits.

Only ever applied to spans already known to be numbers (never to running text, where 一般 is a word).
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3,
          "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUM = "〇零○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def to_ascii_digits(s: str) -> str:
    return s.translate(FULLWIDTH)


def cn_to_int(s: str) -> int | None:
    """The value of a Chinese or Arabic numeral string, or None when it is not one."""
    s = to_ascii_digits(s.strip())
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in DIGITS for c in s):  # digit by digit: 二〇二三
        return int("".join(str(DIGITS[c]) for c in s))
    return counting_value(s)


def counting_value(s: str) -> int | None:
    """The value of a numeral in the counting form (`一千二百`, `两万`, `3万`, `一万亿`), or None."""
    total = section = 0
    number = None
    for c in s:
        if c in DIGITS:
            number = DIGITS[c]
        elif c in UNITS:
            section += (number if number is not None else 1) * UNITS[c]
            number = None
        elif c in BIG:
            section += number or 0
            if c == "亿":  # 一万亿: 亿 multiplies all that comes before it
                total = (total + section or 1) * BIG[c]
            else:
                total += (section or 1) * BIG[c]
            section, number = 0, None
        elif c.isdigit():
            number = (number or 0) * 10 + int(c)
        else:
            return None
    return total + section + (number or 0)
