/* validators.c: the check-digit, issuer-range, calendar and numbering-plan
 * rules that confirm a candidate (research/dlp.md section 4 and 7.3). */
#include <stdint.h>
#include <string.h>

#include "leakguard/detect.h"

static int digit_at(const char *s, size_t i)
{
	return s[i] - '0';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return n > 0;
}

/* Every other digit from the right is doubled, and a two-digit product
 * counts as the sum of its digits: the table holds that, saving the
 * compare and subtraction per digit. The digit check is made in the same
 * pass, since most callers hand over digits they have not looked at. */
bool lg_luhn_valid(const char *digits, size_t n)
{
	static const uint8_t doubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
	unsigned sum = 0;
	size_t k =
	    n; /* digits[k - 1] is the next from the right, not doubled */
	for (; k >= 2; k -= 2) {
		unsigned a = (unsigned)(unsigned char)digits[k - 1] - '0';
		unsigned b = (unsigned)(unsigned char)digits[k - 2] - '0';
		if (a > 9 || b > 9)
			return false;
		sum += a + doubled[b];
	}
	if (k == 1) {
		unsigned a = (unsigned)(unsigned char)digits[0] - '0';
		if (a > 9)
			return false;
		sum += a;
	}
	return n > 0 && sum % 10 == 0;
}

/* Issuer identification number ranges by brand, as the PAN finders code
 * them (ClamAV dlp.c, ccsrch), over the first four digits (a two-digit
 * prefix 51-55 is 5100-5599), and the lengths the brand issues. Sorted by
 * range, and the ranges do not overlap: a number has one range at most,
 * found by halving the table. */
typedef struct {
	const char *brand;
	unsigned short lo, hi;
	unsigned char minlen, maxlen;
} card_iin;

static const card_iin card_iins[] = {
    {"JCB", 1800, 1800, 15, 15},
    {"JCB", 2131, 2131, 15, 15},
    {"Mastercard", 2221, 2720, 16, 16},
    {"Diners Club", 3000, 3059, 14, 16},
    {"Diners Club", 3095, 3095, 14, 16},
    {"American Express", 3400, 3499, 15, 15},
    {"JCB", 3528, 3589, 16, 19},
    {"Diners Club", 3600, 3699, 14, 16},
    {"American Express", 3700, 3799, 15, 15},
    {"Diners Club", 3800, 3999, 14, 16},
    /* Visa stopped issuing 13-digit numbers long ago; a 13-digit run
     * starting with 4 is far likelier a JAN code (45/49) */
    {"Visa", 4000, 4999, 16, 19},
    {"Mastercard", 5100, 5599, 16, 16},
    {"Discover", 6011, 6011, 16, 19},
    {"UnionPay", 6200, 6299, 16, 19},
    {"Discover", 6440, 6499, 16, 19},
    {"Discover", 6500, 6599, 16, 19},
};

/* The brand's range and lengths go first: they are a few compares and
 * turn away most numbers that are no card (order numbers, IDs), which
 * then need no Luhn sum. */
const char *lg_card_brand(const char *digits, size_t n)
{
	if (n < 13 || n > 19)
		return NULL;
	unsigned iin = 0;
	for (unsigned i = 0; i < 4; i++) {
		unsigned d = (unsigned)(unsigned char)digits[i] - '0';
		if (d > 9)
			return NULL;
		iin = iin * 10 + d;
	}
	/* the last range starting at or below iin: lo..hi-1 may hold it */
	size_t lo = 0, hi = sizeof(card_iins) / sizeof(card_iins[0]);
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (card_iins[mid].lo <= iin)
			lo = mid;
		else
			hi = mid;
	}
	const card_iin *c = &card_iins[lo];
	if (iin < c->lo || iin > c->hi || n < c->minlen || n > c->maxlen)
		return NULL;
	return lg_luhn_valid(digits, n) ? c->brand : NULL;
}

/* 総務省令第八十五号 第五条: weights 6,5,4,3,2,7,6,5,4,3,2 from the left;
 * check = 11 - (sum mod 11), or 0 when the remainder is 0 or 1. */
bool lg_my_number_valid(const char *d)
{
	static const int w[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	if (!all_digits(d, 12))
		return false;
	int sum = 0;
	for (int i = 0; i < 11; i++)
		sum += digit_at(d, (size_t)i) * w[i];
	int r = sum % 11;
	int check = r <= 1 ? 0 : 11 - r;
	return check == digit_at(d, 11);
}

/* 財務省令第七十号 第二条: the FIRST digit is 9 - (sum mod 9), the sum over
 * the 12-digit base with weights 1,2,1,2,... from the right. */
bool lg_corporate_number_valid(const char *d)
{
	if (!all_digits(d, 13) || d[0] == '0')
		return false;
	int sum = 0;
	for (int k = 0; k < 12; k++)
		sum += digit_at(d, (size_t)(12 - k)) * (k % 2 == 0 ? 1 : 2);
	return 9 - sum % 9 == digit_at(d, 0);
}

/* Weights 5,4,3,2,7,6,5,4,3,2 on the first ten digits; the 11th digit is
 * (11 - sum mod 11) mod 10. Reverse-engineered, not published: used only
 * to raise confidence, never to reject. */
bool lg_drivers_license_check_digit(const char *d)
{
	static const int w[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
	if (!all_digits(d, 12))
		return false;
	int sum = 0;
	for (int i = 0; i < 10; i++)
		sum += digit_at(d, (size_t)i) * w[i];
	return (11 - sum % 11) % 10 == digit_at(d, 10);
}

int lg_jp_phone_kind(const char *d, size_t n)
{
	if (!all_digits(d, n) || n < 10 || n > 11 || d[0] != '0' || d[1] == '0')
		return 0;
	if (n == 11) {
		/* 0800 free dial (080-0 is never a mobile); 050 IP, 060/070/
		 * 080/090 mobile; 020 is M2M */
		if (!strncmp(d, "0800", 4))
			return 't';
		if (d[2] == '0' && d[1] >= '5' && d[1] <= '9')
			return 'm';
		return 0;
	}
	if (!strncmp(d, "0120", 4) || !strncmp(d, "0570", 4))
		return 't';
	if (d[2] == '0' || !strncmp(d, "020", 3))
		return 0; /* 0A0 is mobile/M2M space: those have 11 digits */
	return 'f';
}
