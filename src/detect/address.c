/* address.c: jp_address. An address is a prefecture (or, after a label or
 * in an address column, a city), a municipality (市 区 町 村, 郡 + 町/村,
 * a designated city's ward), a town and a block number (2-8-1, 二丁目8番1
 * 号, 123番地), then perhaps a building and a room. Found from the 47
 * prefecture names (one literal set in the Hyperscan pass) and from
 * address labels; the structure is checked on the folded text, where
 * full-width digits and hyphen look-alikes are already ASCII, so
 * 西新宿２－８－１ and 西新宿2-8-1 are one value. A region alone (東京都
 * 新宿区) is no one's address: the block number is required. */
#include <pthread.h>
#include <string.h>

#include "detect_int.h"
#include "leakguard/text.h"

#define ADDRESS_MAX_CHARS 64

/* A word of a list and its bytes, known when compiled. */
typedef struct word {
	const char *s;
	size_t n;
} word;
/* clang-format off */
#define WORD(x) {x, sizeof(x) - 1}
/* clang-format on */

/* The 47 prefectures (1都1道2府43県), NULL-terminated: also the keywords
 * that tell a postal code it stands in an address. */
const char *const lg_prefectures[] = {
    "北海道", "青森県",	  "岩手県", "宮城県",	"秋田県", "山形県", "福島県",
    "茨城県", "栃木県",	  "群馬県", "埼玉県",	"千葉県", "東京都", "神奈川県",
    "新潟県", "富山県",	  "石川県", "福井県",	"山梨県", "長野県", "岐阜県",
    "静岡県", "愛知県",	  "三重県", "滋賀県",	"京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県",	"岡山県", "広島県", "山口県",
    "徳島県", "香川県",	  "愛媛県", "高知県",	"福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県",	  "宮崎県", "鹿児島県", "沖縄県", NULL};
#define NPREF 47

/* lg_utf8_char_at for the char strings of values and their masks. */
static inline uint32_t cp_at(const char *s, size_t n, size_t *len)
{
	return lg_utf8_char_at((const uint8_t *)s, n, len);
}

static bool is_kanji(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || cp == 0x3005 || cp == 0x30F6 ||
	       cp == 0x30F5; /* 々 ヶ ヵ */
}

static bool is_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) ||
	       (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x30FB;
}

static bool is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static bool kanji_numeral(uint32_t cp)
{
	switch (cp) {
	case 0x4E00: /* 一 */
	case 0x4E8C: /* 二 */
	case 0x4E09: /* 三 */
	case 0x56DB: /* 四 */
	case 0x4E94: /* 五 */
	case 0x516D: /* 六 */
	case 0x4E03: /* 七 */
	case 0x516B: /* 八 */
	case 0x4E5D: /* 九 */
	case 0x5341: /* 十 */
	case 0x3007: /* 〇 */
	case 0x767E: /* 百 */
	case 0x5343: /* 千 */
		return true;
	default:
		return false;
	}
}

/* The prefectures by their first two characters (no two share them): a
 * table built once, so that the prefecture at a text is found by a hash
 * and one compare instead of a compare with each of the 47. */
#define PREF_SLOTS 128		      /* a power of two, well over 47 */
static uint8_t pref_slot[PREF_SLOTS]; /* index + 1; 0 is empty */
static uint8_t pref_len[NPREF];
static pthread_once_t pref_once = PTHREAD_ONCE_INIT;

/* Of the first six bytes: every prefecture has nine or twelve. */
static unsigned pref_hash(const char *s)
{
	uint64_t k = 0;
	memcpy(&k, s, 6);
	return (unsigned)((k * 0x9E3779B97F4A7C15u) >> 57) % PREF_SLOTS;
}

static void pref_build(void)
{
	for (size_t i = 0; i < NPREF; i++) {
		pref_len[i] = (uint8_t)strlen(lg_prefectures[i]);
		unsigned h = pref_hash(lg_prefectures[i]);
		while (pref_slot[h])
			h = (h + 1) % PREF_SLOTS;
		pref_slot[h] = (uint8_t)(i + 1);
	}
}

/* The prefecture s starts with: its length, 0 when none. */
static size_t prefecture_at(const char *s, size_t n)
{
	if (n < 9)
		return 0;
	pthread_once(&pref_once, pref_build);
	for (unsigned h = pref_hash(s); pref_slot[h];
	     h = (h + 1) % PREF_SLOTS) {
		size_t i = pref_slot[h] - 1u, l = pref_len[i];
		/* nine or twelve: memcmp of a known length is inlined */
		if (l <= n && (l == 9 ? !memcmp(s, lg_prefectures[i], 9)
				      : !memcmp(s, lg_prefectures[i], 12)))
			return l;
	}
	return 0;
}

/* The bytes of the suffix of a block number at s (丁目 番地 番 号 ...),
 * 0 when none. The first byte tells which may follow. */
static size_t number_suffix(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] == '-')
		return 1;
	if (n < 3)
		return 0;
	static const word sfx[] = {WORD("丁目"), WORD("番地"), WORD("番"),
				   WORD("号"),	 WORD("丁"),   WORD("地割")};
	for (size_t i = 0; i < sizeof(sfx) / sizeof(*sfx); i++) {
		if (s[1] == sfx[i].s[1] && sfx[i].n <= n &&
		    !memcmp(s, sfx[i].s, sfx[i].n))
			return sfx[i].n;
	}
	return 0;
}

/* The bytes of a run of kanji numerals at s followed by a suffix, 0 when
 * there is none (三田 and 八王子 are names of towns, 三丁目 is a number). */
static size_t kanji_number(const char *s, size_t n)
{
	size_t i = 0, l;
	while (i < n && kanji_numeral(cp_at(s + i, n - i, &l)))
		i += l;
	return i && number_suffix(s + i, n - i) ? i : 0;
}

/* Whether a number starts at s, whose first character cp (of l bytes)
 * the caller has read. */
static bool number_at_char(const char *s, size_t n, uint32_t cp, size_t l)
{
	if (is_digit(cp))
		return true;
	if (kanji_numeral(cp))
		return kanji_number(s, n) > 0;
	return cp == 0x7B2C && kanji_number(s + l, n - l); /* 第 */
}

static bool number_at(const char *s, size_t n)
{
	if (n == 0)
		return false;
	size_t l;
	uint32_t cp = cp_at(s, n, &l);
	return number_at_char(s, n, cp, l);
}

/* A block number from s: numbers joined by their suffixes (2-8-1,
 * 二丁目8番1号, 123番地の4). Returns its end. */
static size_t block_number(const char *s, size_t n, size_t i)
{
	for (;;) {
		size_t k = i;
		while (k < n && is_digit((unsigned char)s[k]))
			k++;
		if (k == i)
			k += kanji_number(s + i, n - i);
		if (k == i)
			return i;
		i = k;
		size_t sl = number_suffix(s + i, n - i);
		if (!sl && i + 3 <= n && !memcmp(s + i, "の", 3))
			sl = 3;
		if (!sl)
			return i;
		/* a joiner must join: "1-" at the end is "1" */
		bool joiner = s[i] == '-' || !memcmp(s + i, "の", 3);
		if (joiner && !number_at(s + i + sl, n - i - sl))
			return i;
		i += sl;
	}
}

static bool building_word(const char *t, size_t n)
{
	static const word words[] = {
	    WORD("ビル"),   WORD("マンション"), WORD("ハイツ"),
	    WORD("コーポ"), WORD("アパート"),	WORD("荘"),
	    WORD("棟"),	    WORD("号室"),	WORD("階"),
	    WORD("F"),	    WORD("レジデンス"), WORD("タワー"),
	    WORD("ハウス"), WORD("メゾン"),	WORD("コート"),
	    WORD("パレス"), WORD("プラザ"),	WORD("ヒルズ"),
	    WORD("ハイム"), WORD("テラス"),	WORD("館"),
	    WORD("寮")};
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		if (memmem(t, n, words[i].s, words[i].n))
			return true;
	}
	return false;
}

static bool bldg_char(uint32_t cp)
{
	if (cp < 0x80)
		return is_digit(cp) ||
		       ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ||
		       cp == '-' || cp == '#' || cp == '.';
	return is_kanji(cp) || is_kana(cp);
}

/* A building and room after the block number: one token (after at most
 * one space) holding a digit or a building word; a phone label is not. */
static size_t building(const char *s, size_t n, size_t i)
{
	for (int round = 0; round < 2; round++) {
		size_t p = i, l;
		if (p < n && s[p] == ' ')
			p++;
		size_t q = p;
		bool digit = false;
		while (q < n && q - p < 72) {
			uint32_t cp = cp_at(s + q, n - q, &l);
			if (!bldg_char(cp))
				break;
			digit |= is_digit(cp);
			q += l;
		}
		if (q == p || !(digit || building_word(s + p, q - p)))
			return i;
		static const word not_bldg[] = {WORD("TEL"),  WORD("Tel"),
						WORD("tel"),  WORD("FAX"),
						WORD("電話"), WORD("携帯")};
		for (size_t k = 0; k < sizeof(not_bldg) / sizeof(*not_bldg);
		     k++) {
			if (s[p] == not_bldg[k].s[0] &&
			    !strncmp(s + p, not_bldg[k].s, not_bldg[k].n))
				return i;
		}
		i = q;
	}
	return i;
}

typedef struct address_parse {
	size_t region_end; /* after the municipality */
	size_t end;	   /* after the block number and building */
	bool prefecture, number;
} address_parse;

/* The municipality after i: up to eight characters and 市 区 町 村, or a
 * 郡 and its 町/村, or a city and its ward. Returns its end, 0 when none. */
static size_t municipality(const char *s, size_t n, size_t i)
{
	size_t l, chars = 0;
	uint32_t unit = 0;
	while (i < n && chars < 9) {
		uint32_t cp = cp_at(s + i, n - i, &l);
		if (!is_kanji(cp) && !is_kana(cp))
			return 0;
		i += l;
		if (chars++ > 0 &&
		    (cp == 0x5E02 || cp == 0x533A || cp == 0x753A ||
		     cp == 0x6751 || cp == 0x90E1)) {
			unit = cp;
			break;
		}
	}
	if (!unit)
		return 0;
	if (unit == 0x90E1) /* 郡: the town or village in it */
		return municipality(s, n, i);
	if (unit == 0x5E02) { /* 市: a ward may follow (札幌市中央区) */
		size_t k = i;
		for (int c = 0; c < 4 && k < n; c++) {
			uint32_t cp = cp_at(s + k, n - k, &l);
			if (!is_kanji(cp))
				break;
			k += l;
			if (c > 0 && cp == 0x533A)
				return k;
		}
	}
	return i;
}

/* Parses s[0..n); a->end only when `end` is asked for (the block number
 * and building are read only for it). */
static bool parse_address(const char *s, size_t n, bool cell, bool end,
			  address_parse *a)
{
	memset(a, 0, sizeof(*a));
	size_t i = prefecture_at(s, n), l;
	a->prefecture = i > 0;
	if (i < n && s[i] == ' ')
		i++;
	size_t m = municipality(s, n, i);
	if (!m)
		return false;
	a->region_end = i = m;
	/* the town: kanji and kana (大字, 字 included) up to the number */
	for (size_t chars = 0; i < n && chars < 20; chars++) {
		uint32_t cp = cp_at(s + i, n - i, &l);
		/* (most of a town's characters start no number) */
		if ((is_digit(cp) || kanji_numeral(cp) || cp == 0x7B2C) &&
		    number_at_char(s + i, n - i, cp, l))
			break;
		if (!is_kanji(cp) && !is_kana(cp) && cp != ' ')
			break;
		i += l;
		/* a town after a prefecture in a cell is an address whatever
		 * follows: the mask, which asks only for the region, reads
		 * no further (a fifth of an address mask's cost) */
		if (!end && cell && a->prefecture)
			return true;
	}
	if (i < n && number_at(s + i, n - i)) {
		a->number = true;
		a->end = end ? building(s, n, block_number(s, n, i)) : i;
		return true;
	}
	/* an address column may split the number off (住所1, 住所2) */
	a->end = i;
	return cell && a->prefecture && i > a->region_end;
}

/* ---- the pattern's span ---------------------------------------------------
 */
/* A printable ASCII character (or one that folds to it) an address may
 * hold: none of , ; : ( ) [ ] < > " ' / |, told by a bit each (a switch
 * over them cost a call a character of the extension). */
#define STOP_BIT(c) ((uint64_t)1 << ((c)&63))
static inline bool address_ascii(int a)
{
	static const uint64_t stop[2] = {
	    STOP_BIT(',') | STOP_BIT(';') | STOP_BIT(':') | STOP_BIT('(') |
		STOP_BIT(')') | STOP_BIT('<') | STOP_BIT('>') | STOP_BIT('"') |
		STOP_BIT('\'') | STOP_BIT('/'),
	    STOP_BIT('[') | STOP_BIT(']') | STOP_BIT('|')};
	return a > ' ' && a < 0x7F && !(stop[a >> 6] >> (a & 63) & 1);
}

/* Whether p[0..n) starts with a kanji or kana (is_kanji, is_kana) of
 * three bytes, told from the bytes where they say it: E5-E9 lead only
 * kanji (U+5000-U+9FFF), E4 kanji from E4 B8 on (U+4E00). */
static inline bool jp_at(const uint8_t *p, size_t n)
{
	if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return false;
	if (p[0] >= 0xE5 && p[0] <= 0xE9)
		return true;
	if (p[0] == 0xE4)
		return p[1] >= 0xB8;
	uint32_t cp = 0x3000u | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	return p[0] == 0xE3 && (is_kanji(cp) || is_kana(cp));
}

bool lg_extend_address(const uint8_t *w, size_t len, uint32_t *from,
		       uint32_t *to)
{
	uint32_t s = *to - 1;
	for (uint32_t l = 9; l <= 12; l += 3) { /* a prefecture's bytes */
		if (*to >= l &&
		    prefecture_at((const char *)w + *to - l, l) == l) {
			s = *to - l;
			break;
		}
	}
	while (s > 0 && (w[s] & 0xC0) == 0x80)
		s--;
	uint32_t e = s;
	unsigned chars = 0, spaces = 0;
	while (e < len && chars < ADDRESS_MAX_CHARS) {
		/* ASCII, kanji and kana told by their bytes: most of an
		 * address */
		uint8_t b = w[e];
		if (b < 0x80 && b != ' ') {
			if (!address_ascii(b))
				break;
			e++;
			chars++;
			continue;
		}
		if (b >= 0xE3 && b <= 0xE9 && jp_at(w + e, len - e)) {
			e += 3;
			chars++;
			continue;
		}
		size_t l;
		uint32_t cp = cp_at((const char *)w + e, len - e, &l);
		/* kanji and kana, most of an address, fold to no ASCII, and
		 * ASCII to itself: the fold is looked up only for the others */
		bool jp = cp >= 0x80 && (is_kanji(cp) || is_kana(cp));
		int a = jp ? -1 : cp < 0x80 ? (int)cp : lg_fold_ascii(cp);
		bool sp = a == ' ';
		if (sp && (++spaces > 3 || (e + l < len && (w[e + l] == ' '))))
			break;
		if (!(sp || jp || address_ascii(a)))
			break;
		e += (uint32_t)l;
		chars++;
	}
	*from = s;
	*to = e;
	return e > s;
}

/* ---- validation -----------------------------------------------------------
 */
bool lg_validate_address(lg_candidate *c)
{
	address_parse a;
	if (!parse_address(c->fold, c->fold_len, c->from_column, true, &a))
		return false;
	if (!a.prefecture && !c->from_column && !a.number)
		return false;
	/* the folded text without its spaces, a stretch between two at a
	 * time, cut at LG_VALUE_MAX - 1 bytes */
	size_t o = 0;
	for (size_t i = 0; i < a.end && o + 1 < LG_VALUE_MAX;) {
		const char *sp = memchr(c->fold + i, ' ', a.end - i);
		size_t e = sp ? (size_t)(sp - c->fold) : a.end;
		size_t k =
		    e - i < LG_VALUE_MAX - 1 - o ? e - i : LG_VALUE_MAX - 1 - o;
		lg_copy_small(c->value + o, c->fold + i, k);
		o += k;
		i = e + 1;
	}
	c->value[o] = '\0';
	c->span_off = lg_fold_offset(c->raw, c->raw_len, c->fold_len, 0);
	c->span_len = lg_fold_offset(c->raw, c->raw_len, c->fold_len, a.end) -
		      c->span_off;
	if (!a.prefecture)
		c->adjust = -0.05; /* a label or a column says it is one */
	if (!a.number)
		c->adjust = -0.15;
	return true;
}

size_t lg_address_region_len(const char *v)
{
	return lg_address_region_len_n(v, strlen(v));
}

size_t lg_address_region_len_n(const char *v, size_t n)
{
	address_parse a;
	if (parse_address(v, n, true, false, &a) && a.region_end)
		return a.region_end;
	size_t l, i = 0;
	for (int k = 0; k < 3 && i < n; k++) { /* three characters */
		cp_at(v + i, n - i, &l);
		i += l;
	}
	return i;
}
