/* names.c: person_name. A name is reported only where something says it
 * is one: a label (氏名：, お名前, 担当, Full name:), an honorific after it
 * (様, さん, 殿, Mr.), or a table column named for names. Which characters
 * are the name, and whether they are a name at all (お客様 and 皆様 are
 * not; 山田様 is), the dictionary decides: MeCab tags IPAdic's 人名 words.
 * Sample names of forms and templates (例：山田太郎) are not findings. */
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine_int.h"
#include "leakguard/text.h"
#include "util/util.h"

#define NAME_MAX_CHARS 16 /* of a name with its spaces */
#define MAX_TOKENS     48

/* ---- characters ---------------------------------------------------------- */
/* A word of a list and its bytes, known when compiled. */
typedef struct word {
	const char *s;
	size_t n;
} word;
/* clang-format off */
#define WORD(x) {x, sizeof(x) - 1}
/* clang-format on */

static bool is_kanji(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0x3005 /* 々 */ ||
	       cp == 0x30F6 /* ヶ */ || (cp >= 0xF900 && cp <= 0xFAFF);
}

static bool is_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) || /* hiragana */
	       (cp >= 0x30A1 && cp <= 0x30FA) || /* katakana */
	       cp == 0x30FC || cp == 0x30FB ||	 /* ー ・ */
	       (cp >= 0xFF66 && cp <= 0xFF9F);	 /* half-width katakana */
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0x3000;
}

/* A full-width Latin letter (ＳＡＴＯ), as an IME's full-width mode
 * types romaji. */
static bool is_wide_latin(uint32_t cp)
{
	return (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

/* A Latin letter: ASCII, or one with a diacritic as European and
 * Vietnamese names write them (Latin-1 less × and ÷, Latin Extended-A and
 * -B, Latin Extended Additional: José, Müller, Štrba, Nguyễn), or a
 * full-width one. */
static bool is_latin(uint32_t cp)
{
	if (cp < 0x80)
		return lg_is_alpha((int)cp);
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) || is_wide_latin(cp);
}

/* A capital of is_latin's letters. In Latin Extended-A and Additional a
 * capital and its small letter are a pair, the capital first (Ā ā), but
 * from Ĺ to ň and from Ź to ž the capital is odd. */
static bool latin_capital(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	if (cp <= 0xDE)
		return cp >= 0xC0 && cp != 0xD7;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp & 1u;
	if ((cp >= 0x100 && cp <= 0x177) || (cp >= 0x1E00 && cp <= 0x1EFF))
		return cp != 0x138 && cp != 0x149 && !(cp & 1u);
	return cp == 0x178 || (cp >= 0xFF21 && cp <= 0xFF3A);
}

/* What a walk over a name makes of a character: a letter of it (kanji,
 * kana, Latin, - ' .), a space between its parts (is_space), or its
 * end. ASCII first, then the kanji block most names are of. */
typedef enum { NAME_END, NAME_LETTER, NAME_SPACE } name_step;

static inline name_step name_step_of(uint32_t cp)
{
	if (cp < 0x80) {
		if (cp == ' ')
			return NAME_SPACE;
		return is_latin(cp) || cp == '-' || cp == '\'' || cp == '.'
			   ? NAME_LETTER
			   : NAME_END;
	}
	if (cp >= 0x4E00 && cp <= 0x9FFF)
		return NAME_LETTER;
	if (cp == 0x3000)
		return NAME_SPACE;
	return is_kanji(cp) || is_kana(cp) || is_latin(cp) ? NAME_LETTER
							   : NAME_END;
}

/* A character a written name may hold. */
static bool name_char(uint32_t cp)
{
	return name_step_of(cp) == NAME_LETTER;
}

/* name_step_of the character at p[0..n), its length in *len where it is
 * no end. Every character a name holds is ASCII, of two bytes led by C3-C9
 * (U+00C0-024F) or of three bytes led by E1-EF, so any other lead byte
 * (E0 leads U+0800-0FFF and its overlong forms), or one without its
 * continuation bytes, ends it, as the U+FFFD lg_utf8_char_at reads there
 * does; three bytes led by ED read here as U+D000-DFFF, which no name
 * holds either (the surrogates among them are U+FFFD to lg_utf8_char_at). */
static inline name_step name_step_at(const uint8_t *p, size_t n, size_t *len)
{
	*len = 1;
	if (p[0] < 0x80)
		return name_step_of(p[0]);
	if (p[0] >= 0xC3 && p[0] <= 0xC9) {
		if (n < 2 || (p[1] & 0xC0) != 0x80)
			return NAME_END;
		*len = 2;
		return name_step_of((uint32_t)(p[0] & 0x1F) << 6 |
				    (p[1] & 0x3F));
	}
	if (n < 3 || p[0] < 0xE1 || p[0] > 0xEF || (p[1] & 0xC0) != 0x80 ||
	    (p[2] & 0xC0) != 0x80)
		return NAME_END;
	*len = 3;
	return name_step_of((uint32_t)(p[0] & 0x0F) << 12 |
			    (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F));
}

/* The three bytes before at (at >= 3) as one number: a kanji or kana
 * told by one comparison. */
static inline uint32_t char3_before(const uint8_t *w, uint32_t at)
{
	return (uint32_t)w[at - 3] << 16 | (uint32_t)w[at - 2] << 8 | w[at - 1];
}

/* Sample names of forms, templates and manuals: never a finding. Each
 * sample is compared, spaces left out and ASCII lowered, only with a
 * value of its length, which is counted first: most names have no
 * sample of theirs (a copy of each value lowered cost more than the
 * comparisons). */
bool lg_sample_name(const char *v)
{
	static const word samples[] = {
	    WORD("山田太郎"),	  WORD("山田花子"),	WORD("山田一郎"),
	    WORD("やまだたろう"), WORD("ヤマダタロウ"), WORD("ヤマダハナコ"),
	    WORD("やまだはなこ"), WORD("johndoe"),	WORD("janedoe"),
	    WORD("taroyamada"),	  WORD("yamadataro"),	WORD("hanakoyamada"),
	    WORD("yamadahanako"), WORD("名無し"),	WORD("氏名"),
	    WORD("名前"),	  WORD("なまえ"),	WORD("ﾔﾏﾀﾞﾀﾛｳ"),
	    WORD("ﾔﾏﾀﾞﾊﾅｺ")};
	size_t o = 0; /* the bytes but spaces, as many as a value holds */
	for (const char *p = v; *p && o + 1 < LG_VALUE_MAX; p++)
		o += *p != ' ';
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		if (samples[i].n != o)
			continue;
		size_t k = 0;
		for (const char *p = v; k < o; p++) {
			if (*p == ' ')
				continue;
			if ((char)lg_to_lower((unsigned char)*p) !=
			    samples[i].s[k])
				break;
			k++;
		}
		if (k == o)
			return true;
	}
	return false;
}

/* What comes before a name that makes it an example: 例：, 記入例, e.g.
 * One pass over the 16 bytes before it, a mark compared only where the
 * byte that starts it is, and the bytes after that tell it apart from
 * the kana and kanji of the same lead byte (a memchr per mark was a
 * third of the extension's time, a loop over the marks at each lead byte
 * half the rest). */
static bool mark_at(const uint8_t *p, size_t room)
{
	switch (*p) {
	case 0xE4: /* 例 */
		return room >= 3 && !memcmp(p, "例", 3);
	case 0xE8: /* 見本 */
		return room >= 6 && !memcmp(p, "見本", 6);
	case 0xE3: /* サンプル: E3 82 B5 (サ) first, as kana start E3 */
		return room >= 12 && p[2] == 0xB5 && !memcmp(p, "サンプル", 12);
	case 'e':
		return (room >= 4 && !memcmp(p, "e.g.", 4)) ||
		       (room >= 7 && !memcmp(p, "example", 7));
	case 's':
		return room >= 6 && !memcmp(p, "sample", 6);
	case 'E':
		return room >= 7 && !memcmp(p, "Example", 7);
	default:
		return false;
	}
}

/* Whether a mark may start at a byte: where one of the marks' first
 * bytes is. */
static bool mark_lead(uint8_t b)
{
	return b == 0xE4 || b == 0xE8 || b == 0xE3 || b == 'e' || b == 's' ||
	       b == 'E';
}

#if defined(__SSE2__)
/* Of the sixteen bytes at p, those that are a mark's first byte. */
static unsigned mark_leads(const uint8_t *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE4)),
			 _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE8))),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE3)),
			 _mm_cmpeq_epi8(v, _mm_set1_epi8('e'))));
	m = _mm_or_si128(m,
			 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('s')),
				      _mm_cmpeq_epi8(v, _mm_set1_epi8('E'))));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

static bool example_before(const uint8_t *w, uint32_t at)
{
#if defined(__SSE2__)
	if (at >= 16) { /* the sixteen bytes at once */
		const uint8_t *lo = w + at - 16;
		for (unsigned m = mark_leads(lo); m; m &= m - 1) {
			unsigned i = (unsigned)__builtin_ctz(m);
			if (mark_at(lo + i, 16 - i))
				return true;
		}
		return false;
	}
#endif
	const uint8_t *lo = w + (at > 16 ? at - 16 : 0), *hi = w + at;
	for (const uint8_t *p = lo; p < hi; p++) {
		if (mark_lead(*p) && mark_at(p, (size_t)(hi - p)))
			return true;
	}
	return false;
}

/* ---- where a candidate lies ----------------------------------------------
 */
/* A title right before at: Mr. Ms. Dr. (the title is read with the
 * name, which may then be one word). Returns the title's start, or at. */
static uint32_t title_before(const uint8_t *w, uint32_t at)
{
	static const word titles[] = {
	    WORD("Mr. "),  WORD("Mrs. "), WORD("Ms. "), WORD("Dr. "),
	    WORD("Mr "),   WORD("Mrs "),  WORD("Ms "),	WORD("Dr "),
	    WORD("Miss "), WORD("Prof. ")};
	if (at < 3 || w[at - 1] != ' ')
		return at; /* each title ends in a space */
	if (w[at - 2] != '.' && w[at - 2] != 'r' && w[at - 2] != 's')
		return at; /* nor does any title end in another letter */
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		size_t n = titles[i].n;
		if (at >= n && w[at - 2] == (uint8_t)titles[i].s[n - 2] &&
		    !memcmp(w + at - n, titles[i].s, n) &&
		    (at == n || !lg_is_alpha(w[at - n - 1])))
			return at - (uint32_t)n;
	}
	return at;
}

/* From the first character of a name after its label: the name's
 * characters, with single spaces between its parts. */
static bool name_after_label(const uint8_t *w, size_t len, uint32_t *from,
			     uint32_t *to)
{
	uint32_t s = *to - 1;
	while (s > 0 && (w[s] & 0xC0) == 0x80)
		s--;
	if (example_before(w, s))
		return false;
	uint32_t e = s, chars = 0;
	/* romaji is longer than kanji: DAISUKE KOBAYASHI is 17 */
	size_t fl;
	uint32_t max =
	    w[s] < 0x80 || is_latin(lg_utf8_char_at(w + s, len - s, &fl))
		? 2 * NAME_MAX_CHARS
		: NAME_MAX_CHARS;
	while (e < len && chars < max) {
		size_t l, l2;
		name_step k = name_step_at(w + e, len - e, &l);
		if (k == NAME_END)
			break;
		if (k == NAME_SPACE &&
		    (e + l >= len ||
		     name_step_at(w + e + l, len - e - l, &l2) != NAME_LETTER))
			break; /* two spaces, or a space at the end */
		e += (uint32_t)l;
		chars++;
	}
	*from = title_before(w, s);
	*to = e;
	return e > s;
}

/* Back from an honorific (様, さん, 殿) over the characters a name may
 * hold: MeCab then reads them with the honorific. */
/* Words ending in an honorific that are never names: told without
 * asking MeCab (お疲れさま alone is a third of the honorifics in
 * business mail), by their last character's three bytes at once (a
 * memcmp a word was most of the walk's cost). */
static bool honorific_word(const uint8_t *w, uint32_t at)
{
	if (at < 3)
		return false;
	switch (char3_before(w, at)) {
	case 0xE3828C: /* れ, of 疲れ */
		return at >= 6 && char3_before(w, at - 3) == 0xE796B2;
	case 0xE4BB95: /* 仕 */
	case 0xE5908C: /* 同 */
	case 0xE6A8A1: /* 模 */
	case 0xE5AEA2: /* 客 */
	case 0xE79A86: /* 皆 */
	case 0xE59084: /* 各 */
	case 0xE8B2B4: /* 貴 */
	case 0xE5A5A5: /* 奥 */
	case 0xE7A59E: /* 神 */
		return true;
	default:
		return false;
	}
}

/* The start of the character before s (s > 0) if a name may hold it
 * (kanji, kana, or a space: is_space), else s. A space and the common
 * three-byte characters are read in line; other bytes (a broken
 * sequence among them) as lg_char_before finds their character. */
static uint32_t name_char_before(const uint8_t *w, uint32_t s)
{
	if (w[s - 1] == ' ')
		return s - 1;
	if (w[s - 1] < 0x80)
		return s;
	if (s >= 3 && lg_utf8_common3(w + s - 3, 3)) {
		uint32_t cp = (uint32_t)(w[s - 3] & 0x0F) << 12 |
			      (uint32_t)(w[s - 2] & 0x3F) << 6 |
			      (w[s - 1] & 0x3F);
		return is_kanji(cp) || is_kana(cp) || cp == 0x3000 ? s - 3 : s;
	}
	const uint8_t *p = w + s - 1;
	while (p > w && (*p & 0xC0) == 0x80 && w + s - p < 4)
		p--;
	size_t l;
	uint32_t cp = lg_utf8_char_at(p, (size_t)(w + s - p), &l);
	return is_kanji(cp) || is_kana(cp) || is_space(cp) ? (uint32_t)(p - w)
							   : s;
}

static bool name_before_honorific(const uint8_t *w, uint32_t *from,
				  uint32_t *to, size_t hl)
{
	uint32_t h = *to;
	uint32_t s = h - (uint32_t)hl;
	if (honorific_word(w, s))
		return false;
	/* nine characters, or eighteen half-width ones (ﾔﾏﾀﾞ writes its
	 * sound mark apart) */
	for (int halves = 0; s > 0 && halves < 18;) {
		uint32_t b = name_char_before(w, s);
		if (b == s)
			break;
		halves += w[b] == 0xEF && (w[b + 1] == 0xBD || w[b + 1] == 0xBE)
			      ? 1
			      : 2;
		s = b;
	}
	while (s < h) { /* the walk may have stopped on a space */
		size_t l;
		if (!is_space(lg_utf8_char_at(w + s, h - s, &l)))
			break;
		s += (uint32_t)l;
	}
	if (s + hl >= h || example_before(w, s))
		return false;
	*from = s;
	*to = h;
	return true;
}

/* The honorific ending at `at` (様 さま さん 殿): its bytes, or 0. Each
 * match of a name pattern asks, so its last character is one key. */
static size_t honorific_before(const uint8_t *w, uint32_t at)
{
	if (at < 3)
		return 0;
	switch (char3_before(w, at)) {
	case 0xE6A798: /* 様 */
	case 0xE6AEBF: /* 殿 */
		return 3;
	case 0xE381BE: /* ま, of さま */
	case 0xE38293: /* ん, of さん */
		return at >= 6 && char3_before(w, at - 3) == 0xE38195 /* さ */
			   ? 6
			   : 0;
	default:
		return 0;
	}
}

/* An honorific at w[at - hl, at) that is the start of a word with what
 * follows it: 殿下, 殿堂, 様子, 様式, さまざま, さまよう (妃殿下 and 人さまざま
 * name nobody). 様宛 and 様邸 go on being honorifics. */
static bool honorific_starts_word(const uint8_t *w, size_t len, uint32_t at,
				  size_t hl)
{
	if (at + 3 > len)
		return false;
	uint32_t next =
	    (uint32_t)w[at] << 16 | (uint32_t)w[at + 1] << 8 | w[at + 2];
	if (hl == 6) /* さま: ざ, よ */
		return char3_before(w, at) == 0xE381BE &&
		       (next == 0xE38196 || next == 0xE38288);
	switch (char3_before(w, at)) {
	case 0xE6AEBF: /* 殿: 下 堂 方 中 上 内 舎 */
		return next == 0xE4B88B || next == 0xE5A082 ||
		       next == 0xE696B9 || next == 0xE4B8AD ||
		       next == 0xE4B88A || next == 0xE58685 || next == 0xE8888E;
	case 0xE6A798: /* 様: 子 式 相 態 変 々 様 */
		return next == 0xE5AD90 || next == 0xE5BC8F ||
		       next == 0xE79BB8 || next == 0xE6858B ||
		       next == 0xE5A489 || next == 0xE38085 || next == 0xE6A798;
	default:
		return false;
	}
}

bool lg_extend_person_name(const uint8_t *w, size_t len, uint32_t *from,
			   uint32_t *to)
{
	size_t hl = honorific_before(w, *to);
	if (hl && honorific_starts_word(w, len, *to, hl))
		return false;
	return hl ? name_before_honorific(w, from, to, hl)
		  : name_after_label(w, len, from, to);
}

/* ---- the value ------------------------------------------------------------
 */
/* Copies raw[from..to) with each run of spaces as one ASCII space. */
static void name_value(lg_candidate *c, size_t from, size_t to)
{
	size_t o = 0;
	bool space = false;
	for (size_t i = from; i < to;) {
		size_t l;
		uint32_t cp = lg_utf8_char_at(c->raw + i, to - i, &l);
		if (is_space(cp) || cp == '\t') {
			space = o > 0;
		} else {
			if (space && o + 1 < LG_VALUE_MAX)
				c->value[o++] = ' ';
			space = false;
			if (o + l < LG_VALUE_MAX) { /* one to four bytes */
				for (size_t k = 0; k < l; k++)
					c->value[o + k] = (char)c->raw[i + k];
				o += l;
			}
		}
		i += l;
	}
	c->value[o] = '\0';
}

static void name_span(lg_candidate *c, size_t from, size_t to)
{
	c->span_off = from;
	c->span_len = to - from;
	name_value(c, from, to);
}

/* Whether p starts with the word w of n bytes: compared a byte at a
 * time, so a NUL-terminated p shorter than w is not read past its end. */
static bool starts_with(const uint8_t *p, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != (uint8_t)w[i])
			return false;
	}
	return true;
}
#define STARTS(p, w) starts_with(p, w, sizeof(w) - 1)

/* Words of an organisation, a post or a place: a cell or a run that
 * holds one names no person. Each word is looked for where its first
 * character is, told by its three bytes at once (a strstr a word, after
 * a test of three of its bytes, was most of a name's validation past
 * MeCab); the continuation bytes between start none. 株 alone is one,
 * which 株式会社, （株） and (株) hold, and 会社 is in 有限会社 and
 * 合同会社. */
bool lg_organisation_named(const char *v)
{
	for (const uint8_t *p = (const uint8_t *)v; *p; p++) {
		if (*p < 0xE3 || *p > 0xEF) {
			if (*p == '(' && STARTS(p, "(ｶ"))
				return true;
			continue;
		}
		if (!p[1] || !p[2])
			return false; /* no word ends this short */
		bool hit = false;
		switch (char3_before(p, 3)) {
		case 0xE382BB:
			hit = STARTS(p, "センター");
			break;
		case 0xE3818A:
			hit = STARTS(p, "お客様");
			break;
		case 0xE382AB:
			hit = STARTS(p, "カブシキガイシャ");
			break;
		case 0xE383A6:
			hit = STARTS(p, "ユウゲンガイシャ");
			break;
		case 0xE382B4:
			hit = STARTS(p, "ゴウドウガイシャ");
			break;
		case 0xE4BC9A:
			hit = STARTS(p, "会社");
			break;
		case 0xE4BA8B:
			hit = STARTS(p, "事務局") || STARTS(p, "事務所");
			break;
		case 0xE58D94:
			hit = STARTS(p, "協会");
			break;
		case 0xE5BEA1:
			hit = STARTS(p, "御中");
			break;
		case 0xE596B6:
			hit = STARTS(p, "営業部");
			break;
		case 0xE5BA97: /* 店 */
		case 0xE6A0AA: /* 株 */
			hit = true;
			break;
		case 0xE6B395:
			hit = STARTS(p, "法人");
			break;
		case 0xE68B85:
			hit = STARTS(p, "担当者");
			break;
		case 0xE7B584:
			hit = STARTS(p, "組合");
			break;
		case 0xE7B78F:
			hit = STARTS(p, "総務部");
			break;
		case 0xE7AA93:
			hit = STARTS(p, "窓口");
			break;
		case 0xEFBDB6: /* ｶ */
			hit = STARTS(p, "ｶ)") || STARTS(p, "ｶﾌﾞｼｷｶﾞｲｼｬ");
			break;
		default:
			break;
		}
		if (hit)
			return true;
	}
	return false;
}

/* ---- Latin names ----------------------------------------------------------
 */
static bool title_word(const char *w, size_t n)
{
	static const char *const titles[] = {"mr", "mrs",  "ms", "miss",
					     "dr", "prof", "mx", "mister"};
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		if (strlen(titles[i]) == n &&
		    !lg_ascii_ncasecmp(w, titles[i], n))
			return true;
	}
	return false;
}

static bool word_in(const char *const *words, size_t count, const char *w,
		    size_t n)
{
	for (size_t i = 0; i < count; i++) {
		if (strlen(words[i]) == n && !lg_ascii_ncasecmp(w, words[i], n))
			return true;
	}
	return false;
}

/* Words no name holds: a name ends before them. With the types of code
 * ("Property fullName : String Index ...") */
static bool stop_word(const char *w, size_t n)
{
	static const char *const words[] = {
	    "customer", "team", "support", "manager", "sir", "madam", "user",
	    "unknown", "name", "the", "and", "of", "required", "optional",
	    "none", "n/a", "your", "test", "string", "integer", "boolean",
	    "null", "nil", "true", "false", "void", "object", "array",
	    "undefined",
	    /* a sender's name that is a service's: Microsoft Teams, Amazon
	     * Japan, GitHub Notifications */
	    "teams", "notifications", "notification", "newsletter", "news",
	    "info", "alerts", "billing", "sales", "marketing", "security",
	    "account", "accounts", "calendar", "store", "shop", "office",
	    "helpdesk", "desk", "service", "admin", "administrator", "system",
	    "mailer", "daemon", "noreply", "updates", "digest", "community",
	    "online", "japan", "mail", "delivery", "subsystem", "postmaster"};
	return word_in(words, sizeof(words) / sizeof(*words), w, n);
}

/* Words that make the words with them an organisation's or a product's
 * name, not a person's: Free Software Foundation, LibreOffice Start
 * Center. */
static bool organisation_word(const char *w, size_t n)
{
	static const char *const words[] = {
	    "foundation", "inc",	  "ltd",	"llc",
	    "corp",	  "corporation",  "company",	"co",
	    "consortium", "association",  "society",	"institute",
	    "university", "college",	  "laboratory", "laboratories",
	    "labs",	  "project",	  "group",	"systems",
	    "software",	  "technologies", "solutions",	"services",
	    "center",	  "centre",	  "committee",	"council",
	    "agency",	  "hospital",	  "museum",	"library",
	    "utils",	  "utilities",	  "toolkit",	"framework"};
	return word_in(words, sizeof(words) / sizeof(*words), w, n);
}

/* A word joined from two, its second capital after four letters or more
 * (LibreOffice, JavaScript): a product's name. A surname's prefix is
 * shorter (McDonald, MacArthur, DiCaprio). */
static bool joined_word(const char *w, size_t n)
{
	for (size_t i = 4; i < n; i++) {
		if (lg_is_upper((unsigned char)w[i]) &&
		    !lg_is_upper((unsigned char)w[i - 1]))
			return true;
	}
	return false;
}

/* Taro Yamada, YAMADA TARO, Mr. Smith, Full name: Emily Clark. */
static bool latin_name(lg_candidate *c)
{
	const char *r = (const char *)c->raw;
	size_t n = c->raw_len, i = 0;
	/* past a label ("Full name:") or a title ("Mr.") */
	const char *sep = memchr(r, ':', n);
	if (!sep)
		sep = memchr(r, '=', n);
	if (sep)
		i = (size_t)(sep - r) + 1;
	while (i < n && lg_is_space((unsigned char)r[i]))
		i++;
	size_t wl = 0;
	while (i + wl < n && lg_is_alpha((unsigned char)r[i + wl]))
		wl++;
	if (title_word(r + i, wl)) {
		i += wl;
		while (i < n && (r[i] == '.' || r[i] == ' '))
			i++;
	}
	size_t from = i, to = i, words = 0;
	while (i < n && words < 4) {
		size_t s = i, l;
		uint32_t first = 0; /* the word's first letter */
		while (i < n) {
			uint32_t cp =
			    lg_utf8_char_at((const uint8_t *)r + i, n - i, &l);
			if (!is_latin(cp) && cp != '\'' && cp != '-')
				break;
			if (i == s)
				first = cp;
			i += l;
		}
		char word[64]; /* ＣＯＲＰ is Corp */
		size_t wn = lg_fold((const uint8_t *)r + s, i - s, word, NULL,
				    sizeof(word));
		if (organisation_word(word, wn))
			return false;
		if (i - s < 2 || !latin_capital(first) || stop_word(word, wn) ||
		    joined_word(word, wn))
			break;
		words++;
		to = i;
		if (i < n && r[i] == ' ')
			i++;
		else if (n - i >= 3 && !memcmp(r + i, "\xE3\x80\x80", 3))
			i += 3; /* ＳＡＴＯ　ＨＡＮＡＫＯ */
		else
			break;
	}
	bool titled = from > 0 && !sep;
	if (words < (titled || c->from_column ? 1u : 2u))
		return false;
	name_span(c, from, to);
	return !lg_sample_name(c->value);
}

/* ---- Japanese names -------------------------------------------------------
 */
static bool person_class(lg_morph_class k)
{
	return k == LG_MORPH_SURNAME || k == LG_MORPH_GIVEN ||
	       k == LG_MORPH_PERSON;
}

/* A word that may stand in a name: a 人名 word, an unknown word (a rare
 * given name), kana (さくら and ひなた are common nouns too), or, right
 * after a 人名 word, a noun of one or two kanji (陽菜 is 陽 + 菜). */
static bool name_part(const lg_candidate *c, const lg_morph_token *t,
		      bool after_person)
{
	if (person_class(t->cls))
		return true;
	if (t->cls == LG_MORPH_UNKNOWN) { /* of letters, not ---  or ※ */
		size_t l;
		uint32_t cp = lg_utf8_char_at(c->raw + t->off, t->len, &l);
		return is_kanji(cp) || is_kana(cp) || is_latin(cp);
	}
	if (t->cls != LG_MORPH_NOUN && t->cls != LG_MORPH_PLACE)
		return false;
	size_t l, chars = 0;
	bool kana = true;
	for (size_t i = t->off; i < t->off + t->len; i += l, chars++)
		kana &= is_kana(
		    lg_utf8_char_at(c->raw + i, t->off + t->len - i, &l));
	return kana || (after_person && chars <= 2);
}

/* A colon right after token t: it is the next field's label. */
static bool label_follows(const lg_candidate *c, const lg_morph_token *t)
{
	size_t e = t->off + t->len;
	return (e < c->raw_len && c->raw[e] == ':') ||
	       (e + 3 <= c->raw_len && !memcmp(c->raw + e, "：", 3));
}

typedef struct name_run {
	size_t first, last; /* token indexes, inclusive */
	unsigned persons;   /* 人名 words */
	bool surname, given;
} name_run;

static void run_add(name_run *r, const lg_morph_token *t)
{
	r->persons += person_class(t->cls);
	r->surname |= t->cls == LG_MORPH_SURNAME;
	r->given |= t->cls == LG_MORPH_GIVEN || t->cls == LG_MORPH_PERSON;
}

/* A post between a name and its honorific (鈴木部長様): the name is
 * before it. Each post is two kanji; the last byte of the first tells
 * most apart before a memcmp. */
static bool post_word(const lg_candidate *c, const lg_morph_token *t)
{
	static const word titles[] = {
	    WORD("部長"), WORD("課長"), WORD("社長"), WORD("係長"),
	    WORD("主任"), WORD("先生"), WORD("専務"), WORD("常務"),
	    WORD("次長"), WORD("店長"), WORD("院長"), WORD("会長"),
	    WORD("理事"), WORD("代表"), WORD("所長"), WORD("室長")};
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		size_t n = titles[i].n;
		if (t->len == n &&
		    c->raw[t->off + 2] == (uint8_t)titles[i].s[2] &&
		    !memcmp(c->raw + t->off, titles[i].s, n))
			return true;
	}
	return false;
}

/* The name right before the honorific token h: back over name words
 * (given names IPAdic lacks, 悠斗, come as unknown words or one-kanji
 * nouns) and one space, then trimmed so that it starts with a 人名 word
 * (客 in お客様 is none; 各位 and 皆様 are single words). */
static bool run_before(const lg_candidate *c, const lg_morph_token *t, size_t h,
		       name_run *r)
{
	if (h > 0 && t[h - 1].cls == LG_MORPH_SPACE)
		h--; /* 山本 結衣 様 */
	if (h > 0 && post_word(c, &t[h - 1]))
		h--;
	size_t first = h, spaces = 0;
	for (size_t i = h; i-- > 0 && h - i <= 5;) {
		if (t[i].cls == LG_MORPH_SPACE) {
			if (++spaces > 1 || i == 0)
				break;
			continue;
		}
		if (!name_part(c, &t[i], true))
			break;
		first = i;
	}
	while (first < h && !person_class(t[first].cls))
		first++; /* a name starts with its family name */
	if (first == h)
		return false;
	*r = (name_run){first, h - 1, 0, false, false};
	while (r->last > first && t[r->last].cls == LG_MORPH_SPACE)
		r->last--;
	for (size_t i = first; i <= r->last; i++)
		run_add(r, &t[i]);
	return true;
}

/* The name at the start of a labelled text: name words and single spaces
 * up to the first word that is none. */
static void run_from_start(const lg_candidate *c, const lg_morph_token *t,
			   size_t nt, name_run *r)
{
	*r = (name_run){0, 0, 0, false, false};
	size_t i = 0, spaces = 0;
	for (; i < nt; i++) {
		if (t[i].cls == LG_MORPH_SPACE && i > 0) {
			if (++spaces > 1)
				break; /* 鈴木 悠斗　フリガナ: two parts at most
					*/
			continue;
		}
		if (label_follows(c, &t[i]))
			break; /* the next field's label */
		bool after = i > 0 && person_class(t[i - 1].cls);
		if (!name_part(c, &t[i], after))
			break;
		r->last = i;
		run_add(r, &t[i]);
	}
	if (i > 0 && t[r->last].cls == LG_MORPH_SPACE)
		r->last--;
}

/* A labelled text MeCab does not know as a name may still be one: two
 * parts of kanji or of kana (a reading) split by one space. */
static bool name_shaped(const char *v)
{
	const char *sp = strchr(v, ' ');
	if (!sp || strchr(sp + 1, ' '))
		return false;
	size_t l, kanji = 0, kana = 0, chars = 0, n = strlen(v);
	for (const char *p = v; *p; p += l) {
		uint32_t cp = lg_utf8_char_at((const uint8_t *)p,
					      n - (size_t)(p - v), &l);
		if (cp == ' ')
			continue;
		chars++;
		kanji += is_kanji(cp);
		kana += is_kana(cp);
	}
	return chars >= 2 && chars <= 10 && (kanji == chars || kana == chars);
}

/* Kana only (a reading, フリガナ), after a label: MeCab knows readings
 * as words (マツダ is a company), so only the shape says: two parts. */
static bool all_kana(const uint8_t *p, size_t n)
{
	size_t l;
	for (size_t i = 0; i < n; i += l) {
		uint32_t cp = lg_utf8_char_at(p + i, n - i, &l);
		if (!is_kana(cp) && !is_space(cp))
			return false;
	}
	return n > 0;
}

/* Half-width katakana only, with spaces (ｻﾄｳ ﾊﾅｺ, as banks' and older
 * systems print names): words MeCab cannot read. */
static bool half_width_kana(const uint8_t *p, size_t n)
{
	size_t l;
	for (size_t i = 0; i < n; i += l) {
		uint32_t cp = lg_utf8_char_at(p + i, n - i, &l);
		if (!(cp >= 0xFF66 && cp <= 0xFF9F) && !is_space(cp))
			return false;
	}
	return n > 0;
}

/* A half-width reading before an honorific (ｻﾄｳ ﾊﾅｺ 様): two parts, as
 * after a label, its shape alone saying so; not a company's
 * (ｶﾌﾞｼｷｶﾞｲｼｬ, ｶ)). */
static bool half_width_before_honorific(lg_candidate *c)
{
	size_t end =
	    c->raw_len - honorific_before(c->raw, (uint32_t)c->raw_len);
	while (end > 0 && c->raw[end - 1] == ' ')
		end--;
	if (end >= 3 && !memcmp(c->raw + end - 3, "\xE3\x80\x80", 3))
		end -= 3;
	if (!half_width_kana(c->raw, end))
		return false;
	name_span(c, 0, end);
	c->adjust = -0.1;
	return name_shaped(c->value) && !lg_organisation_named(c->value) &&
	       !lg_sample_name(c->value);
}

static bool japanese_name(lg_candidate *c)
{
	/* a half-width katakana first (EF BD/BE): the walk back from an
	 * honorific takes kana, kanji and spaces only, so all of it is */
	if (c->raw_len > 3 && c->raw[0] == 0xEF &&
	    (c->raw[1] == 0xBD || c->raw[1] == 0xBE) &&
	    honorific_before(c->raw, (uint32_t)c->raw_len))
		return half_width_before_honorific(c);
	lg_morph_token t[MAX_TOKENS];
	size_t nt = lg_morph_parse(c->morph, (const char *)c->raw, c->raw_len,
				   t, MAX_TOKENS);
	if (nt == 0)
		return false;
	name_run r;
	bool honorific = t[nt - 1].cls == LG_MORPH_HONORIFIC;
	if (honorific) {
		if (!run_before(c, t, nt - 1, &r))
			return false;
	} else if (all_kana(c->raw, t[0].off + t[0].len)) {
		size_t e = 0, spaces = 0, l; /* the reading: two parts */
		while (e < c->raw_len && spaces < 2) {
			spaces += is_space(
			    lg_utf8_char_at(c->raw + e, c->raw_len - e, &l));
			e += spaces < 2 ? l : 0;
		}
		while (e > 0 && c->raw[e - 1] == ' ')
			e--;
		name_span(c, 0, e);
		c->adjust = -0.1;
		return name_shaped(c->value) &&
		       !lg_organisation_named(c->value) &&
		       !lg_sample_name(c->value);
	} else {
		run_from_start(c, t, nt, &r);
		if (r.last == 0 && !name_part(c, &t[0], false))
			return false;
	}
	size_t from = t[r.first].off, to = t[r.last].off + t[r.last].len;
	/* the word after the name may make it a company's (佐藤製菓株式会社) */
	char rest[LG_VALUE_MAX];
	size_t rl = c->raw_len - to < sizeof(rest) - 1 ? c->raw_len - to
						       : sizeof(rest) - 1;
	memcpy(rest, c->raw + to, rl);
	rest[rl] = '\0';
	name_span(c, from, to);
	if (lg_utf8_chars(c->value) > 12 || lg_organisation_named(c->value) ||
	    lg_organisation_named(rest) || lg_sample_name(c->value))
		return false;
	if (r.persons == 0) { /* only after a label, and only name-shaped */
		if (honorific || !name_shaped(c->value))
			return false;
		c->adjust = -0.15;
		return true;
	}
	/* a family name alone (山田様) says less than a full name */
	if (!(r.surname && r.given) && r.persons < 2)
		c->adjust = -0.15;
	return true;
}

/* A 人名 word, or a word the dictionary does not know, in raw[0..n). */
static bool has_person_word(lg_candidate *c, size_t n)
{
	lg_morph_token t[MAX_TOKENS];
	size_t nt =
	    lg_morph_parse(c->morph, (const char *)c->raw, n, t, MAX_TOKENS);
	for (size_t i = 0; i < nt; i++) {
		if (person_class(t[i].cls) || t[i].cls == LG_MORPH_UNKNOWN)
			return true;
	}
	return false;
}

/* ---- table cells ----------------------------------------------------------
 */
/* A cell that is a label of the keyword lists (Address, Phone, Date of
 * Birth), case aside: a form laid out as a table of two columns
 * ("Name<TAB>Joe Bloggs", "Address<TAB>42 Main Street") reads as a header
 * and rows, and its labels are no names. Verdicts are kept (the memo), so
 * the lists are read once per distinct cell. */
static bool cell_is_label(const uint8_t *p, size_t n)
{
	return n > 0 && lg_keyword_at(p, n) == n;
}

/* A cell of a column named for names: the whole cell, of name characters
 * only, at most four parts. */
static bool name_cell(lg_candidate *c)
{
	size_t i = 0, chars = 0, parts = 1;
	bool latin = false, other = false;
	while (i < c->raw_len) {
		size_t l;
		uint32_t cp = lg_utf8_char_at(c->raw + i, c->raw_len - i, &l);
		if (is_space(cp))
			parts++;
		else if (!name_char(cp))
			return false;
		latin |= is_latin(cp);
		other |= is_kanji(cp) || is_kana(cp);
		chars++;
		i += l;
	}
	if (chars < 2 || chars > (latin ? 2 : 1) * NAME_MAX_CHARS ||
	    parts > 4 || (latin && other))
		return false;
	if (latin)
		return !cell_is_label(c->raw, c->raw_len) && latin_name(c);
	size_t end = c->raw_len, hl = honorific_before(c->raw, (uint32_t)end);
	if (hl && end > hl + 3) { /* 原田 奈々 様 */
		end -= hl;
		while (end > 0 && (c->raw[end - 1] == ' ' ||
				   (end >= 3 && !memcmp(c->raw + end - 3,
							"\xE3\x80\x80", 3))))
			end -= c->raw[end - 1] == ' ' ? 1 : 3;
	}
	name_span(c, 0, end);
	if (lg_organisation_named(c->value) || lg_sample_name(c->value))
		return false;
	/* two parts of kanji, or kana (a reading), make a name by their
	 * shape; else MeCab must know a name in it (二行目 の 備考 has none) */
	return name_shaped(c->value) || all_kana(c->raw, end) ||
	       has_person_word(c, end);
}

static bool validate_person_name(lg_candidate *c)
{
	if (c->from_column)
		return name_cell(c);
	size_t l;
	if (c->raw_len && (c->raw[0] < 0x80 ||
			   is_latin(lg_utf8_char_at(c->raw, c->raw_len, &l))))
		return latin_name(c);
	return japanese_name(c);
}

bool lg_validate_person_name(lg_candidate *c)
{
	return lg_memo_validate(c, LG_MEMO_NAME, validate_person_name);
}

size_t lg_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}
