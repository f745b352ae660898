/* detectors.c: the one table of detectors: their patterns, validators,
 * keyword windows and confidences. Adding a type is adding an entry here
 * and its test file. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect_int.h"
#include "leakguard/text.h"
#include "util/util.h"

/* ---- pattern building blocks (Hyperscan syntax over UTF-8 bytes) -------- */
/* A digit: ASCII or full-width (U+FF10..FF19). */
#define D "(?:[0-9]|\\xEF\\xBC[\\x90-\\x99])"
/* A letter: ASCII or full-width. */
#define L "(?:[A-Za-z]|\\xEF\\xBC[\\xA1-\\xBA]|\\xEF\\xBD[\\x81-\\x9A])"
/* The hyphen look-alikes of research/dlp.md 7.4, incl. ー and ｰ, which are
 * only ever taken between digits here. */
#define HY                                                                     \
	"(?:-|\\xEF\\xBC\\x8D|\\xEF\\xB9\\xA3|\\xE2\\x88\\x92|\\xE2\\x80["     \
	"\\x90-"                                                               \
	"\\x95]|\\xE2\\x81\\x83|\\xEF\\xB9\\x98|\\xE2\\x8E\\xAF|"              \
	"\\xE2\\x8F\\xA4|"                                                     \
	"\\xE3\\x83\\xBC|\\xEF\\xBD\\xB0|\\xE2\\x94[\\x80\\x81])"
/* A space: ASCII or ideographic. */
#define SP "(?: |\\xE3\\x80\\x80)"
/* Zero, ASCII or full-width: phone numbers start with it. */
#define Z   "(?:0|\\xEF\\xBC\\x90)"
#define SEP "(?:" HY "|" SP ")"
/* Date separators: - / . (ASCII or full-width) or 年 月. */
#define DS                                                                     \
	SP "?(?:[\\-/.]|" HY                                                   \
	   "|\\xEF\\xBC[\\x8E\\x8F]|\xE5\xB9\xB4|\xE6\x9C\x88)" SP "?"
/* Key/value separator: : = (ASCII or full-width). */
#define KV SP "{0,2}(?:[:=]|\\xEF\\xBC\\x9A|\\xEF\\xBC\\x9D|=>)" SP "{0,2}"
/* Between a label and its number: anything but ASCII digits and newlines.
 * One byte class keeps the database small; a full-width digit the gap
 * swallows only makes a shorter match, which the validators refuse since
 * a value never starts inside a number. */
#define GAP(n) "[^0-9\\n]{0," #n "}"

/* An English label stands as a word: no letter before it (card_cvv and
 * DB_PASSWORD are labels, incident and compass are not) ... */
#define WORD_START "(?:^|[^A-Za-z])"
/* ... and a separator after it, then the gap: export 10/25, exp10.3 and
 * XML_SCHEMAV_CVC_FACET are no labels. */
#define WORD_SEP     "[^A-Za-z0-9_\\n]"
#define WORD_GAP(n)  WORD_SEP GAP(n)
#define WORD_GAPN(n) "[^A-Za-z0-9_][^0-9]{0," #n "}"

/* Splits a pattern into its label and the rest: Hyperscan looks for the
 * label over all text, a literal search, and the rest is run, anchored,
 * from each end of the label only (compile.c, engine.c). Run whole, the
 * gap and value after a frequent label cost an automaton over much of
 * the text (a date after 生年月日 was a fifth of the pass). The pattern
 * is the two parts read as one.
 *
 * A type's entries may be the branches of one pattern (a Japanese and
 * an English label): cheaper to scan apart. A match two branches share
 * is then found twice, which changes nothing for a type without start
 * of match (LG_NO_SOM): its candidate depends on the end alone, and the
 * copies are one after de-overlapping. A type with start of match keeps
 * its branches in one pattern.
 *
 * Most rests are matched in C at the label's end (engine.c: label_tail_rest,
 * gap_digits_rest, expiry_rest, secret_rest, birth_rest), a Hyperscan call
 * a label costing more than the match: a rest changed here must be changed
 * there too (test_patterns compares both with the whole pattern). */
#define THEN "\x1F"

/* Marks the honorific pattern's prefix, which engine.c checks in C where
 * Hyperscan finds the honorific (honorific_start): a kanji or kana, then
 * one space (ASCII or ideographic) or none. The literal alone is a
 * cheaper search than the pattern whole; the pattern is still the two
 * read as one (tests/unit/test_patterns.c compares them). */
#define CHECKED_BEFORE "\x1E"

/* Numbers (cards, My Number, corporate numbers, phones, postal codes) are
 * found by the digit-run pass in numbers.c, not by patterns here. */
static const char *const no_patterns[] = {NULL};

/* Not "cid": a client, content or connection id far more often (every
 * cid:image001 in HTML mail) than Amex's card identification number. */
static const char *const pat_card_cvv[] = {
    WORD_START "(?i:cvv2?|cvc2?|security\\s?code)" WORD_SEP THEN GAP(16) D
    "{3,4}",
    "セキュリティ(?:ー)?(?:コード|番号|ナンバー)" GAP(16) D "{3,4}", NULL};
#define EXPIRY D "{1,4}" DS D "{1,4}(?:月)?"
/* Split, each label apart: a type with start of match may have several
 * split entries, as take_splits keeps the leftmost start of an end over
 * all of them. Whole, the date after the frequent "exp" was a sixth of
 * the pass over a dense text. */
static const char *const pat_card_expiry[] = {
    "有効期限" THEN GAP(20) EXPIRY,
    /* exp( and exp[ call the exponential function */
    WORD_START "(?i:(?:expiry|expiration|expires|valid\\s?thru|valid\\s?"
	       "through|good\\s?thru)" WORD_SEP
	       "|exp\\.?[^A-Za-z0-9_\\n(\\[])" THEN GAP(20) EXPIRY,
    NULL};
/* The shortest shape of an address; extend_email finds the whole of it.
 * Each character ASCII or its full-width form (ｓａｔｏ＠ｋａｉｓｈａ．ｊｐ,
 * as an IME's full-width mode types it); the at sign also as %40, as a
 * form sends it in a URL (?email=taro%40mail.jp). engine.c matches it in C
 * (email_end); the pattern is what test_patterns holds that to. */
#define WIDE_ALNUM     "\\xEF\\xBC[\\x90-\\x99\\xA1-\\xBA]|\\xEF\\xBD[\\x81-\\x9A]"
#define WIDE_LETTER_AZ "\\xEF\\xBC[\\xA1-\\xBA]|\\xEF\\xBD[\\x81-\\x9A]"
static const char *const pat_email[] = {
    "(?:[A-Za-z0-9._%+\\-]|" WIDE_ALNUM
    "|\\xEF\\xBC[\\x8E\\xBF\\x85\\x8B\\x8D])"
    "(?:@|\\xEF\\xBC\\xA0|%40)(?:[A-Za-z0-9\\-]|" WIDE_ALNUM
    "|\\xEF\\xBC\\x8D){1,63}"
    "(?:\\.|\\xEF\\xBC\\x8E)(?:[A-Za-z]|" WIDE_LETTER_AZ "){2}",
    NULL};
static const char *const pat_bank_account[] = {
    "(?:口座番号|普通預金|当座預金|貯蓄預金|普通|当座|貯蓄|口座)" THEN GAP(24) D
    "{7,8}",
    WORD_START "(?i:account\\s?(?:no\\.?|number|#)|acct\\.?\\s?(?:"
	       "no\\.?|#))" WORD_GAP(24) D "{7,8}",
    NULL};
#define LICENSE_NO D "{2}" SP "?" D "{2}" SP "?" D "{6}" SP "?" D "{2}"
static const char *const pat_drivers_license[] = {
    "(?:運転免許証番号|免許証番号|運転免許証|運転免許|免許番号|免許証)" GAP(24)
	LICENSE_NO,
    WORD_START "(?i:driver'?s?\\s?licen[cs]e(?:\\s?(?:no\\.?|number|#))?"
	       ")" WORD_GAP(24) LICENSE_NO,
    NULL};
/* A date, Western or 和暦. */
#define DATE_WESTERN                                                           \
	"(?:19|20|\\xEF\\xBC\\x91\\xEF\\xBC\\x99|"                             \
	"\\xEF\\xBC\\x92\\xEF\\xBC\\x90)" D "{2}" DS D "{1,2}" DS D            \
	"{1,2}(?:日)?"
#define DATE_ERA                                                               \
	"(?:明治|大正|昭和|平成|令和|㍾|㍽|㍼|㍻|㋿|["          \
	"MTSHRmtshr]"                                                          \
	")" SP "?(?:" D "{1,2}|元)" DS D "{1,2}" DS D "{1,2}(?:日)?"
#define MONTH_EN                                                               \
	"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?" \
	"|"                                                                    \
	"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|"          \
	"dec(?:ember)?)\\.?"
/* 29 Oct 1974, October 29, 1974 */
#define DATE_ENGLISH                                                           \
	"(?:[0-9]{1,2}\\s" MONTH_EN ",?\\s(?:19|20)[0-9]{2}|" MONTH_EN         \
	"\\s[0-9]{1,2}(?:st|nd|rd|th)?,?\\s(?:19|20)[0-9]{2})"
#define DATE "(?:" DATE_WESTERN "|" DATE_ERA "|" DATE_ENGLISH ")"
/* Between a label and its value on a form: may cross a line break. */
#define GAPN(n) "[^0-9]{0," #n "}"

/* Types only a label can make are matched from their label on: the label
 * is a literal Hyperscan finds cheaply, where a bare date or ID shape
 * would be tried at every digit of the text. */
static const char *const pat_birth_date[] = {
    "(?:生年月日|誕生日|生年)" THEN GAPN(24) DATE,
    WORD_START "(?i:date\\s?of\\s?birth|birth\\s?date|birthday|d\\."
	       "?o\\.?b\\.?|born(?:\\s?on)?)" WORD_GAPN(24) DATE,
    /* 昭和60年4月12日生まれ, and résumés' 1985年4月12日生（満39歳）: the
     * literal after the date is what Hyperscan looks for first, so it
     * must be rarer than a lone 生 (学生, 発生) */
    DATE SP "?生(?:まれ|" SP "?[（(])", NULL};
static const char *const pat_passport[] = {
    "(?:旅券番号|旅券|パスポート(?:番号|ナンバー)?)" GAPN(24) L "{2}" D "{7}",
    WORD_START "(?i:passport(?:\\s?(?:no\\.?|number|#))?)" WORD_GAPN(24) L
    "{2}" D "{7}",
    NULL};
static const char *const pat_residence_card[] = {
    "(?:在留カード(?:番号)?|在留番号|特別永住者証明書(?:番号)?)" GAPN(24) L
    "{2}" D "{8}" L "{2}",
    WORD_START
    "(?i:residence\\s?card(?:\\s?(?:no\\.?|number|#))?)" WORD_GAPN(24) L
    "{2}" D "{8}" L "{2}",
    NULL};
/* PW as Japanese mail writes it ("ID：yamada PW：Sakura2024!", full-width
 * too; not in a word of a name, x-pw, .pw), and Password or Passwd ending a
 * name in camelCase (dbPassword, userPasswd), as code and its configuration
 * write them; not Pass, which ends the names of compiler passes (struct
 * InstCountPass : ...), nor Pwd, whose short literal slowed the pattern scan by
 * a per cent */
static const char *const pat_password[] = {
    "(?:" WORD_START
    "(?i:password|passwd|pwd|passcode|pass)|(?:^|[^A-Za-z0-9_\\-./])"
    "(?i:pw)|[a-z0-9]Pass(?:word|wd)|パスワード|パス|暗証番号|ＰＷ|Ｐｗ|"
    "ｐｗ)" THEN "(?:[\"']?(?:" KV "|[\"']?\\s?,\\s?[\"']|は" SP
    "?)[^\\s]|>[^\\s<])", /* <password>…</password>: an XML element */
    NULL};		  /* extend_secret_value takes the rest */
static const char *const pat_aws_key_id[] = {
    "(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", NULL};
static const char *const pat_aws_secret[] = {
    "(?i:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key|"
    "secretaccesskey)" THEN "[\"']?(?:" KV "|\\s{1,4})[\"']?[A-Za-z0-9/+]{40}",
    NULL};
static const char *const pat_private_key[] = {
    "-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----", NULL};
static const char *const pat_github[] = {"gh[pousr]_[A-Za-z0-9]{36}",
					 "github_pat_[A-Za-z0-9_]{82}", NULL};
static const char *const pat_slack[] = {
    "xox[abposr]-[A-Za-z0-9\\-]{10}", /* extend_token takes the rest */
    "https://hooks\\.slack\\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/"
    "[A-Za-z0-9]{24}",
    NULL};
static const char *const pat_api_key[] = {
    "(?:" WORD_START
    "(?i:api[_\\-]?key|apikey|api[_\\-]?secret|access[_\\-]?token|auth[_\\-]"
    "?token|client[_\\-]?secret|secret[_\\-]?key|private[_\\-]?token)|APIキ"
    "ー|アクセストークン)" THEN "[\"']?" KV "[\"']?[A-Za-z0-9_\\-./+=]{16}",
    NULL};

/* The first character of a name or an address: a kanji (U+4E00..9FFF),
 * kana, or a Latin letter. */
#define KANJI "[\\xE4-\\xE9][\\x80-\\xBF]{2}"
/* Latin letters with diacritics (names.c's is_latin): two bytes led by
 * C3-C9, or Latin Extended Additional; and the capitals a name starts
 * with, as far as their bytes tell (names.c checks the case) */
#define LATIN_MORE                                                             \
	"(?:[\\xC3-\\xC8][\\x80-\\xBF]|\\xC9[\\x80-\\x8F]|\\xE1[\\xB8-\\xBB][" \
	"\\x80-\\xBF])"
#define CAPITAL "(?:[A-Z]|" LATIN_MORE ")"
/* Full-width Latin letters (ＳＡＴＯ, typed in an IME's full-width mode)
 * and half-width katakana less the sound marks ﾞﾟ (ｻﾄｳ, as banks' and
 * older systems write names) */
#define WIDE_LETTER                                                            \
	"\\xEF(?:\\xBC[\\xA1-\\xBA]|\\xBD[\\x81-\\x9A\\xA6-\\xBF]|"            \
	"\\xBE[\\x80-\\x9D])"
/* A kanji or a kana (of hiragana and katakana's rows) */
#define KANA_KANJI KANJI "|\\xE3[\\x81-\\x83][\\x80-\\xBF]"
#define NAME_START "(?:[A-Za-z]|" LATIN_MORE "|" KANA_KANJI "|" WIDE_LETTER ")"
/* After a label: (漢字), （カナ）, then spaces and a separator; a JSON
 * key's quotes too ("氏名": "田中 次郎"), and an XML element's >
 * (<氏名>田中 次郎</氏名>). */
#define LABEL_TAIL                                                             \
	"(?:(?:\\(|（)[^()\\n]{0,24}(?:\\)|）))?"                            \
	"(?:[ \\t:=\">]|：|\\xE3\\x80\\x80|＝){0,8}"

/* person_name: every pattern ends just past the name's first character
 * (or past the honorific after it), and names.c finds the rest. */
static const char *const pat_person_name[] = {
    "(?:氏名|お名前|名前|フルネーム|(?:ご)?担当(?:者)?|契約者|申込者|申請者|"
    "受取人(?:名)?|(?:ご)?依頼主|宛名|患者名|顧客(?:名)?|会員名|保護者|代表者|"
    "送り主|差出人|フリガナ|ふりがな|氏名カナ|カナ氏名|セイ|メイ|"
    "(?:口座)?名義(?:人)?|"
    /* who a form, a contract or a report is of: its roles (not 承認者,
     * a workflow's approver, written with the title: 承認者: 橋本 課長) */
    "(?:作成者|記入者|責任者|報告者|購入者|注文者|依頼者|"
    "受講者|参加者|利用者|来訪者|相談者|訪問者|申告者|"
    "被保険者|保証人|連帯保証人|世帯主|配偶者)(?:氏名|名)?)" THEN LABEL_TAIL
	NAME_START,
    /* Full name: Emily Clark, "cardholder": "YUKI MORI" (JSON keys).
     * Name alone, not after another word: Upstream-Name, Common Name and
     * Property Name name no person */
    "(?:\\b(?i:(?:full|customer|contact|first|last|middle|given|family|"
    "maiden|your|patient|employee|member|student|applicant|guest|"
    "passenger|recipient|sender)[\\s_]?name|(?:card[\\s_]?)?holder(?:[\\s_]?"
    "name)?|name[\\s_]?on[\\s_]?card|surname)|(?:^|[^A-Za-z \\t\\-]|-[ \\t])"
    "[ \\t]*Name)\"?\\s{0,2}[:=]\\s{0,2}\"?(?:" CAPITAL "|" KANA_KANJI ")",
    "\\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\\.?[ ]" CAPITAL,
    /* a kanji or kana (half-width too), then the honorific */
    "(?:" KANA_KANJI "|\\xEF\\xBD[\\xA6-\\xBF]|\\xEF\\xBE[\\x80-\\x9F])"
    "(?:[ ]|\\xE3\\x80\\x80)?" CHECKED_BEFORE "(?:様|さま|さん|殿)",
    NULL};

#define PREFECTURES                                                                                     \
	"北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|"    \
	"群馬県|埼玉県|千葉県|東京都|神奈川県|新潟県|富山県|石川県|福井県|" \
	"山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|大阪府|"    \
	"兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|" \
	"香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|"    \
	"鹿児島県|沖縄県"
/* jp_address: from a prefecture, or from the first kanji after an
 * address label (and its postal code); address.c finds the rest. */
static const char *const pat_address[] = {
    "(?:" PREFECTURES ")",
    "(?:(?:ご)?住所|所在地|現住所|送付先|お届け先|届け先|配送先|発送先|"
    "勤務先|自宅)" THEN LABEL_TAIL "(?:(?:〒)?" SP "?" D "{3}" HY D
    "{4}(?:[ \\t]|\\xE3\\x80\\x80){0,2})?" KANJI,
    NULL};

/* ---- helpers for validators --------------------------------------------- */
/* Collects the digits of fold[from..to) into out (at most cap-1). */
static size_t collect_digits(const char *s, size_t from, size_t to, char *out,
			     size_t cap)
{
	size_t n = 0;
	for (size_t i = from; i < to && n + 1 < cap; i++) {
		if (lg_is_digit((unsigned char)s[i]))
			out[n++] = s[i];
	}
	out[n] = '\0';
	return n;
}

/* Narrows the candidate's span to fold[from..to). */
static void narrow(lg_candidate *c, size_t from, size_t to)
{
	c->span_off = lg_fold_offset(c->raw, c->raw_len, c->fold_len, from);
	c->span_len =
	    lg_fold_offset(c->raw, c->raw_len, c->fold_len, to) - c->span_off;
}

/* Finds the last run of digits in the folded text: [*from, *to). */
static bool last_digit_run(const lg_candidate *c, size_t *from, size_t *to)
{
	size_t e = c->fold_len;
	while (e > 0 && !lg_is_digit((unsigned char)c->fold[e - 1]))
		e--;
	if (e == 0)
		return false;
	size_t s = e;
	while (s > 0 && lg_is_digit((unsigned char)c->fold[s - 1]))
		s--;
	*from = s;
	*to = e;
	return true;
}

/* For keyword-anchored patterns: the value is the trailing digit run of
 * exactly min..max digits. */
static bool anchored_digits(lg_candidate *c, size_t min, size_t max)
{
	size_t s, e;
	if (!last_digit_run(c, &s, &e) || e - s < min || e - s > max)
		return false;
	memcpy(c->value, c->fold + s, e - s);
	c->value[e - s] = '\0';
	narrow(c, s, e);
	return true;
}

static bool same_digit_repeated(const char *d)
{
	for (const char *p = d + 1; *p; p++) {
		if (*p != *d)
			return false;
	}
	return true;
}

/* ---- validators ---------------------------------------------------------- */
static bool validate_credit_card(lg_candidate *c)
{
	size_t n =
	    collect_digits(c->fold, 0, c->fold_len, c->value, sizeof(c->value));
	return lg_card_brand(c->value, n) != NULL;
}

static bool validate_cvv(lg_candidate *c)
{
	if (c->from_column)
		return c->fold_len >= 3 && c->fold_len <= 4 &&
		       collect_digits(c->fold, 0, c->fold_len, c->value,
				      sizeof(c->value)) == c->fold_len;
	return anchored_digits(c, 3, 4);
}

/* MM/YY, MM/YYYY, YYYY/MM, YY年MM月 after an expiry label. */
static bool validate_card_expiry(lg_candidate *c)
{
	size_t i = 0, n = c->fold_len;
	if (!c->from_column) {
		while (i < n && !lg_is_digit((unsigned char)c->fold[i]))
			i++;
	}
	size_t a0 = i, a = 0, b = 0, alen, blen;
	while (i < n && lg_is_digit((unsigned char)c->fold[i]))
		a = a * 10 + (size_t)(c->fold[i++] - '0');
	alen = i - a0;
	while (i < n && !lg_is_digit((unsigned char)c->fold[i]))
		i++;
	size_t b0 = i;
	while (i < n && lg_is_digit((unsigned char)c->fold[i]))
		b = b * 10 + (size_t)(c->fold[i++] - '0');
	blen = i - b0;
	size_t month, year;
	if (alen <= 2 && (blen == 2 || blen == 4))
		month = a, year = blen == 2 ? 2000 + b : b;
	else if (alen == 4 && blen <= 2 && blen > 0) /* 2028/09 */
		year = a, month = b;
	else
		return false;
	if (month < 1 || month > 12 || year < 2000 || year > 2099)
		return false;
	/* a cell with a day after the month is some other date */
	if (c->from_column && i < n && strspn(c->fold + i, " ") != n - i &&
	    strncmp(c->fold + i, "月", 3) != 0)
		return false;
	lg_put_year_month(c->value, (unsigned)year, (unsigned)month);
	narrow(c, a0, i);
	return true;
}

static bool validate_my_number(lg_candidate *c)
{
	size_t n =
	    collect_digits(c->fold, 0, c->fold_len, c->value, sizeof(c->value));
	return n == 12 && lg_my_number_valid(c->value) &&
	       !same_digit_repeated(c->value);
}

static bool validate_corporate(lg_candidate *c)
{
	size_t n =
	    collect_digits(c->fold, 0, c->fold_len, c->value, sizeof(c->value));
	c->kind = c->fold[0] == 'T' ? 'T' : 0; /* invoice registration no. */
	return n == 13 && lg_corporate_number_valid(c->value);
}

/* Digits of a phone number with +81 turned back into the leading 0. */
static size_t phone_digits(const lg_candidate *c, char *out, size_t cap)
{
	const char *f = c->fold;
	size_t skip = 0;
	if (!strncmp(f, "+81", 3))
		skip = 3;
	else if (!strncmp(f, "(+81)", 5))
		skip = 5;
	if (!skip)
		return collect_digits(f, 0, c->fold_len, out, cap);
	out[0] = '0';
	size_t n = collect_digits(f, skip, c->fold_len, out + 1, cap - 1);
	if (n > 0 && out[1] == '0') /* +81 (0)3 ... */
		memmove(out + 1, out + 2, n--);
	return n + 1;
}

static bool validate_phone(lg_candidate *c)
{
	size_t n = phone_digits(c, c->value, sizeof(c->value));
	c->kind = (char)lg_jp_phone_kind(c->value, n);
	if (!c->kind || same_digit_repeated(c->value + 2))
		return false;
	/* a written number groups as area-local-subscriber with four last */
	size_t tail = 0;
	for (size_t i = c->fold_len;
	     i > 0 && lg_is_digit((unsigned char)c->fold[i - 1]); i--)
		tail++;
	/* ten bare digits are as likely an ID as a fixed-line number: a
	 * label has to say so (eleven 0X0 digits are a mobile number) */
	if (tail == c->fold_len && c->kind != 'm')
		c->adjust = -0.15;
	/* +819012345678: the digits written are the 81 and all but the 0 */
	bool intl = c->fold[0] == '+' || c->fold[0] == '(';
	return tail == 4 || tail == n || (intl && tail == n + 1) ||
	       (c->kind == 't' && tail == 3);
}

/* out[0..n) = in[0..n) with ASCII letters lowered (no other byte: the
 * locale's tolower would fold bytes of UTF-8 in a single-byte locale):
 * eight bytes at a time (A-Z found by two adds whose carries stay in
 * their bytes), the rest one by one. */
static void lower_copy(char *out, const char *in, size_t n)
{
	const uint64_t high = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, in + i, 8);
		if (w & high)
			break;
		uint64_t ge_a = w + 0x3F3F3F3F3F3F3F3Fu; /* >= 'A' */
		uint64_t gt_z = w + 0x2525252525252525u; /* > 'Z' */
		w |= (ge_a & ~gt_z & high) >> 2;	 /* + 0x20 */
		memcpy(out + i, &w, 8);
	}
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		out[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
}

/* Domains that RFC 2606/6761 and JPRS reserve for examples, of dom[0..dl)
 * in lower case (validate_email lowers the value first, so a byte compare
 * is strcasecmp's). */
static bool email_domain_reserved(const char *dom, size_t dl)
{
#define R(x)                                                                   \
	{                                                                      \
		x, sizeof(x) - 1                                               \
	}
	static const struct {
		const char *s;
		size_t n;
	} reserved[] = {R("example.com"),   R("example.net"),
			R("example.org"),   R("example.jp"),
			R("example.co.jp"), R("example.ne.jp"),
			R("example"),	    R("test"),
			R("invalid"),	    R("localhost")};
#undef R
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++) {
		size_t rl = reserved[i].n;
		/* the suffix's first and last bytes first: most domains
		 * end in none of these */
		if (dl >= rl && dom[dl - rl] == reserved[i].s[0] &&
		    dom[dl - 1] == reserved[i].s[rl - 1] &&
		    !memcmp(dom + dl - rl, reserved[i].s, rl) &&
		    (dl == rl || dom[dl - rl - 1] == '.'))
			return true;
	}
	return false;
}

bool lg_email_domain_reserved(const char *address)
{
	const char *at = strrchr(address, '@');
	char dom[256];
	size_t dl = at ? strlen(at + 1) : 0;
	if (!dl || dl >= sizeof(dom))
		return false;
	lower_copy(dom, at + 1, dl);
	return email_domain_reserved(dom, dl);
}

static bool validate_email(lg_candidate *c)
{
	size_t n = c->fold_len < sizeof(c->value) - 1 ? c->fold_len
						      : sizeof(c->value) - 1;
	lower_copy(c->value, c->fold, n);
	c->value[n] = '\0';
	char *at = strchr(c->value, '@');
	if (!at && (at = strstr(c->value, "%40")) != NULL) { /* as in a URL */
		*at = '@';
		memmove(at + 1, at + 3, strlen(at + 3) + 1);
	}
	if (!at || at == c->value || strstr(c->value, "..") ||
	    c->value[0] == '.' || at[-1] == '.' || at[1] == '.' || at[1] == '-')
		return false;
	const char *tld = strrchr(at, '.');
	for (const char *p = tld + 1; *p; p++) {
		if (!lg_is_alpha((unsigned char)*p))
			return false;
	}
	size_t tl = strlen(tld + 1);
	return tl >= 2 && !email_domain_reserved(
			      at + 1, (size_t)(tld + 1 + tl - (at + 1)));
}

static bool validate_postal(lg_candidate *c)
{
	size_t n =
	    collect_digits(c->fold, 0, c->fold_len, c->value, sizeof(c->value));
	/* 'p': marked by 〒; 'b': seven bare digits, a postal code only where
	 * a label or a column says so */
	c->kind = strncmp(c->fold, "〒", 3) == 0 ? 'p'
		  : strchr(c->fold, '-')	 ? 0
						 : 'b';
	if (c->from_column && strspn(c->fold, "0123456789-") != c->fold_len)
		return false;
	return n == 7 && memcmp(c->value, "0000000", 7) != 0;
}

/* Where a date can begin: a digit not inside a number, the first byte of
 * an era name (明 大 昭 平 令, or a ㍻-style sign), or a letter starting a
 * word (an era initial or an English month). Saves parsing at every byte. */
static bool date_may_start(const char *f, size_t i)
{
	unsigned char ch = (unsigned char)f[i];
	unsigned char prev = i > 0 ? (unsigned char)f[i - 1] : ' ';
	if (lg_is_digit(ch))
		return !lg_is_digit(prev);
	if (lg_is_alpha(ch))
		return !lg_is_alpha(prev);
	return ch == 0xE6 || ch == 0xE5 || ch == 0xE4 || ch == 0xE3;
}

/* The date of a label-anchored match whose text is f[0..n): the one
 * that runs to the match's end (生年月日：S60.4.12), else, for
 * "昭和60年4月12日生まれ", the last one 生 follows. The text may begin a
 * line or more before (the match's start is found back from its end),
 * where another birth date may stand: "1985年4月12日生まれ" on the line
 * before "生年月日 1990/01/01" is not its date. Returns the date's end
 * (0: none), its start in *from. */
static size_t labelled_birth_date(const char *f, size_t n, char *iso,
				  size_t *from)
{
	size_t to = 0;
	char d[11];
	for (size_t i = 0; i < n; i++) {
		if (!date_may_start(f, i))
			continue;
		size_t k = lg_parse_date_prefix(f + i, n - i, d);
		if (!k)
			continue;
		const char *rest = f + i + k;
		if (i + k == n || !strncmp(rest + strspn(rest, " "), "生", 3)) {
			memcpy(iso, d, sizeof(d));
			*from = i;
			to = i + k;
			if (to == n)
				break;
		}
	}
	return to;
}

/* The date of a birth date's match, or a table cell that holds a date
 * alone. */
static bool validate_birth_date(lg_candidate *c)
{
	char iso[11];
	size_t from = 0, to = 0;
	if (c->from_column) { /* the whole cell: a date, or YYYYMMDD */
		to = lg_parse_date_prefix(c->fold, c->fold_len, iso);
		if (!to && lg_parse_compact_date(c->fold, c->fold_len, iso))
			to = c->fold_len;
		if (!to || strspn(c->fold + to, " ") != c->fold_len - to)
			return false;
	} else if (!(to = labelled_birth_date(c->fold, c->fold_len, iso,
					      &from))) {
		return false;
	}
	memcpy(c->value, iso, sizeof(iso));
	narrow(c, from, to);
	/* a birth date lies in the past and within a lifetime */
	return strcmp(iso, "1900-01-01") >= 0 && strcmp(iso, "2026-12-31") <= 0;
}

static bool validate_bank_account(lg_candidate *c)
{
	if (c->from_column)
		return collect_digits(c->fold, 0, c->fold_len, c->value,
				      sizeof(c->value)) >= 7 &&
		       strlen(c->value) <= 8 &&
		       strspn(c->fold, "0123456789- ") == c->fold_len;
	return anchored_digits(c, 7, 8);
}

/* The trailing 12 digits, which a form may space as 30 23 504238 60. */
static bool trailing_spaced_digits(lg_candidate *c, size_t want)
{
	size_t e = c->fold_len, s = e, n = 0;
	while (s > 0 && n < want &&
	       (lg_is_digit((unsigned char)c->fold[s - 1]) ||
		c->fold[s - 1] == ' ')) {
		n += c->fold[s - 1] != ' ';
		s--;
	}
	while (s < e && c->fold[s] == ' ')
		s++;
	if (n != want || (s > 0 && lg_is_digit((unsigned char)c->fold[s - 1])))
		return false;
	collect_digits(c->fold, s, e, c->value, sizeof(c->value));
	narrow(c, s, e);
	return true;
}

static bool validate_drivers_license(lg_candidate *c)
{
	bool ok = c->from_column
		      ? collect_digits(c->fold, 0, c->fold_len, c->value,
				       sizeof(c->value)) == 12 &&
			    strspn(c->fold, "0123456789- ") == c->fold_len
		      : trailing_spaced_digits(c, 12);
	if (ok && lg_drivers_license_check_digit(c->value))
		c->adjust = 0.1;
	return ok;
}

/* An ID of `letters` letters, `digits` digits and `tail` letters at the
 * end of the match (after its label), or filling a table cell. */
static bool anchored_id(lg_candidate *c, size_t letters, size_t digits,
			size_t tail)
{
	size_t n = letters + digits + tail;
	if (c->fold_len < n || (c->from_column && c->fold_len != n))
		return false;
	size_t from = c->fold_len - n;
	if (from > 0 && lg_is_alnum((unsigned char)c->fold[from - 1]))
		return false; /* XTK1234567: not an ID of its own */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c->fold[from + i];
		bool want_digit = i >= letters && i < letters + digits;
		if (want_digit ? !lg_is_digit(ch) : !lg_is_alpha(ch))
			return false;
		c->value[i] = (char)lg_to_upper(ch);
	}
	c->value[n] = '\0';
	narrow(c, from, c->fold_len);
	return true;
}

static bool validate_passport(lg_candidate *c)
{
	return anchored_id(c, 2, 7, 0);
}

static bool validate_residence_card(lg_candidate *c)
{
	return anchored_id(c, 2, 8, 2);
}

/* Whether a placeholder word starts at p (lower case, left bytes): the
 * words that stand in for a secret in documentation and templates, by
 * their first byte. */
static bool placeholder_word_at(const char *p, size_t left)
{
#define AT(w) (sizeof(w) - 1 <= left && !memcmp(p, w, sizeof(w) - 1))
	switch (p[0]) {
	case '<':
		return true;
	case '$':
		return AT("${");
	case '{':
		return AT("{{");
	case '%':
		return AT("%s");
	case '*':
		return AT("****");
	case 'c':
		return AT("changeme");
	case 'd':
		return AT("dummy");
	case 'e':
		return AT("example");
	case 'f':
		return AT("false");
	case 'h':
		return AT("hoge");
	case 'n':
		return AT("null") || AT("none");
	case 'p':
		return AT("password");
	case 'r':
		return AT("redacted");
	case 's':
		return AT("sample") || AT("secret");
	case 't':
		return AT("true") || AT("test");
	case 'x':
		return AT("xxxx");
	case 'y':
		return AT("your");
	default:
		return false;
	}
#undef AT
}

/* Values that stand in for a secret in documentation and templates: one
 * of the words anywhere in it, case aside (one pass over a lower-case
 * copy, where a strcasestr a word cost a secret thousands of
 * instructions). */
static bool is_placeholder(const char *v)
{
	/* type names where code declares a password field (Password :
	 * pchar, password: string): whole values only */
	static const char *const types[] = {
	    "string",	  "str",	"pchar",	 "char",
	    "text",	  "varchar",	"int",		 "integer",
	    "bool",	  "boolean",	"bytes",	 "any",
	    "object",	  "nil",	"undefined",	 "optional",
	    "required",	  "hidden",	"widestring",	 "incomplete",
	    "ansistring", "utf8string", "unicodestring", "rawbytestring",
	    "shortstring"};
	size_t n = strlen(v);
	if (strspn(v, "*xX.-_#") == n)
		return true;
	/* ASCII letters only: the words are ASCII, and no other byte
	 * lowers to one */
	char low[LG_VALUE_MAX];
	if (n >= sizeof(low))
		n = sizeof(low) - 1; /* values are shorter */
	lower_copy(low, v, n);
	low[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (placeholder_word_at(low + i, n - i))
			return true;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		if (!strcmp(low, types[i]))
			return true;
	}
	return false;
}

/* The value after the key/value separator, unquoted, up to a quote or a
 * space (extend_secret_value already stopped at the next key=value), less
 * a trailing ; , & ); the separator in *sep (':', '=', ',', or 'w' for
 * は). */
/* 「 and 『, which open a value in Japanese text, and what closes each. */
static const char *const jp_quote_close[] = {"」", "』"};

/* Which of 「 and 『 is at p[0..n) (1, 2), or 0. */
static size_t jp_quote_at(const uint8_t *p, size_t n)
{
	if (n < 3 || p[0] != 0xE3 || p[1] != 0x80)
		return 0;
	return p[2] == 0x8C ? 1 : p[2] == 0x8E ? 2 : 0;
}

static bool secret_after_separator(lg_candidate *c, size_t min, char *sep_out)
{
	/* past the character before the label (WORD_START), which may
	 * itself be a separator: ",password=x" */
	size_t lead = c->fold_len > 0 && (unsigned char)c->fold[0] < 0x80 &&
			      !lg_is_alpha((unsigned char)c->fold[0])
			  ? 1
			  : 0;
	const char *f = c->fold;
	const char *sep = strpbrk(f + lead, ":=,");
	const char *wa = strstr(f + lead, "は");
	/* <password>…: the element's > right after the label
	 * (extend_secret_value saw its <) */
	const char *gt = f + lead + strcspn(f + lead, "> \t\"'");
	size_t s;
	if (*gt == '>' && gt > f + lead && (!sep || gt < sep) &&
	    (!wa || gt < wa)) {
		s = (size_t)(gt - f) + 1;
		*sep_out = '>';
	} else if (sep && (!wa || sep < wa)) {
		s = (size_t)(sep - f) + 1;
		*sep_out = *sep;
	} else if (wa) {
		s = (size_t)(wa - f) + 3;
		*sep_out = 'w';
	} else {
		return false;
	}
	while (s < c->fold_len && strchr("=> \"'", f[s]))
		s++;
	size_t close = jp_quote_at((const uint8_t *)f + s, c->fold_len - s);
	s += close ? 3 : 0;
	size_t e = s;
	while (e < c->fold_len && !strchr(" \"'<>`", f[e]) &&
	       (unsigned char)f[e] < 0x80 &&
	       !(strchr(";,&)", f[e]) && e + 1 == c->fold_len))
		e++;
	bool closed = close && c->fold_len - e >= 3 &&
		      !memcmp(f + e, jp_quote_close[close - 1], 3);
	if (e < c->fold_len && (unsigned char)f[e] >= 0x80 && !closed)
		return false; /* Japanese prose, not a secret */
	if (e - s < min || e - s >= sizeof(c->value))
		return false;
	memcpy(c->value, f + s, e - s);
	c->value[e - s] = '\0';
	narrow(c, s, e);
	return !is_placeholder(c->value);
}

/* Kinds of character in v: lower, upper, digit, other. */
static int char_kinds(const char *v)
{
	bool lo = false, up = false, dig = false, other = false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		lo |= lg_is_lower(*p) != 0;
		up |= lg_is_upper(*p) != 0;
		dig |= lg_is_digit(*p) != 0;
		other |= !lg_is_alnum(*p);
	}
	return lo + up + dig + other;
}

/* What follows a password label in source code rather than a password:
 * an expression (g_strdup(value)), a symbol (:doInit, &buf), a constant
 * (SEC_ERROR_BASE), a path. */
static bool code_not_password(const char *v)
{
	if (strpbrk(v, "()[]{}") || strchr(":&/~\\", v[0]) || strstr(v, "://"))
		return true; /* code, a path, a URL */
	/* a relative or a Windows path: ./conf, ../data, C:\Users, D:/apps */
	if ((v[0] == '.' && (v[1] == '/' || v[1] == '.')) ||
	    (lg_is_alpha((unsigned char)v[0]) && v[1] == ':' &&
	     (v[2] == '\\' || v[2] == '/')))
		return true;
	/* a Perl or PHP variable: $assert->{pass}, $CPAN::Config->{...} (the
	 * value stops at the arrow's >) */
	size_t n = strlen(v);
	if (v[0] == '$' && n > 1 && (v[n - 1] == '-' || strstr(v, "::")))
		return true;
	/* a number in hexadecimal, as Pascal ($00007009) and C write it */
	size_t hex = v[0] == '$'			   ? 1
		     : v[0] == '0' && (v[1] | 0x20) == 'x' ? 2
							   : 0;
	if (hex && n > hex &&
	    strspn(v + hex, "0123456789abcdefABCDEF") == n - hex)
		return true;
	/* a constant, plus an offset: CURLOPTTYPE_STRINGPOINT+174 */
	size_t k = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (k < n && (v[k] == '+' || v[k] == '-') &&
	    strspn(v + k + 1, "0123456789") == n - k - 1)
		n = k;
	return memchr(v, '_', n) && k >= n;
}

/* What the label's place says of the value: a field named in a
 * colon-separated record's format (name:passwd:uid:gid:gecos, as passwd(5)
 * and newusers(8) write it), or the next item of a list of names
 * ("proxy_pass", "fastcgi_pass"; 'pwd', 're_syntax'): an identifier, a
 * path, or another such name. A quoted pair ("password","Xk9#mQ2v") is
 * still a password (define('DB_PASSWORD', 'x')); a label after a dot or
 * not quoted is a resource's key and its message ({ "keystore.password",
 * "Keystore-Kennwort" }) or an argument (Buffer.from(password, 'base64')). */
static bool listed_not_password(const lg_candidate *c, char sep)
{
	const char *v = c->value;
	if (sep == ':' && c->fold[0] == ':' && strchr(v, ':'))
		return true;
	if (sep != ',')
		return false;
	/* before the label: its quote, or more of a quoted key's name
	 * ('DB_PASSWORD', 'dbPassword'); not a dot of a resource's key nor
	 * what precedes an argument */
	unsigned char b = (unsigned char)c->fold[0];
	if (b < 0x80 && b != '"' && b != '\'' && b != '_' && !lg_is_alnum(b))
		return true;
	if (lg_ascii_casestr(v, "pass") || lg_ascii_casestr(v, "pwd"))
		return true;
	return strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_./-") ==
		   strlen(v) &&
	       strpbrk(v, "_/");
}

/* A password as people set them: six or more characters of at least two
 * kinds, or a long generated run of one kind (a lone word such as "salt"
 * or "nodejs" after "password" is prose or a variable, not a secret); not
 * code. v is n bytes. */
static bool password_value(const char *v, size_t n)
{
	return n >= 6 && !code_not_password(v) &&
	       (char_kinds(v) >= 2 || n >= 10);
}

/* A card's or an account's PIN: four to eight digits. */
static bool pin_value(const char *v, size_t n)
{
	return n >= 4 && n <= 8 && strspn(v, "0123456789") == n;
}

/* A cell of a column named for passwords (会員ID,パスワード,氏名): the
 * whole cell, a PIN or a password, no space or Japanese in it ("未設定",
 * "初回ログイン時に設定"). */
static bool password_cell(lg_candidate *c)
{
	size_t s = 0, e = c->fold_len;
	while (s < e && c->fold[s] == ' ')
		s++;
	while (e > s && c->fold[e - 1] == ' ')
		e--;
	size_t n = e - s;
	if (n < 4 || n >= sizeof(c->value))
		return false;
	for (size_t i = s; i < e; i++) {
		if ((unsigned char)c->fold[i] <= ' ' ||
		    (unsigned char)c->fold[i] >= 0x80)
			return false;
	}
	memcpy(c->value, c->fold + s, n);
	c->value[n] = '\0';
	narrow(c, s, e);
	return pin_value(c->value, n) ||
	       (!is_placeholder(c->value) && password_value(c->value, n));
}

/* A value after a password's label (after 暗証番号 a PIN too), or a cell
 * of a password column. */
static bool validate_password(lg_candidate *c)
{
	if (c->from_column)
		return password_cell(c);
	char sep;
	bool pin = !strncmp(c->fold, "暗証番号", strlen("暗証番号"));
	if (!secret_after_separator(c, pin ? 4 : 6, &sep))
		return false;
	size_t n = strlen(c->value);
	return (pin && pin_value(c->value, n)) ||
	       (password_value(c->value, n) && !listed_not_password(c, sep));
}

/* Shannon entropy in bits per character. */
static double shannon_entropy(const char *s)
{
	unsigned counts[256] = {0};
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	double h = 0;
	for (size_t i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)n;
			h -= p * log2(p);
		}
	}
	return h;
}

static bool validate_token(lg_candidate *c)
{
	size_t n = c->fold_len < sizeof(c->value) - 1 ? c->fold_len
						      : sizeof(c->value) - 1;
	memcpy(c->value, c->fold, n);
	c->value[n] = '\0';
	/* fewer than four characters: nothing after the prefix, which
	 * is_placeholder("") calls one */
	return n >= 4 && !strstr(c->value, "EXAMPLE") &&
	       !is_placeholder(c->value + 4) && shannon_entropy(c->value) > 3.0;
}

/* The key is the match's last 40 characters, whatever separated it from
 * its label (=, :, or the space of `aws configure set`). */
static bool validate_aws_secret(lg_candidate *c)
{
	if (c->fold_len < 40)
		return false;
	size_t s = c->fold_len - 40;
	memcpy(c->value, c->fold + s, 40);
	c->value[40] = '\0';
	narrow(c, s, c->fold_len);
	return !is_placeholder(c->value) && shannon_entropy(c->value) > 4.0;
}

static bool validate_private_key(lg_candidate *c)
{
	size_t n = c->fold_len < sizeof(c->value) - 1 ? c->fold_len
						      : sizeof(c->value) - 1;
	memcpy(c->value, c->fold, n);
	c->value[n] = '\0';
	return true;
}

static bool validate_api_key(lg_candidate *c)
{
	char sep;
	if (!secret_after_separator(c, 16, &sep))
		return false;
	bool alpha = false, digit = false;
	for (const char *p = c->value; *p; p++) {
		alpha |= lg_is_alpha((unsigned char)*p) != 0;
		digit |= lg_is_digit((unsigned char)*p) != 0;
	}
	return alpha && digit && shannon_entropy(c->value) > 3.3;
}

/* ---- span extenders ------------------------------------------------------ */
/* Bytes of the katakana character at p[0..n) (ー too, not the middle dot
 * ・ that parts words; half-width ones and their sound marks too, as
 * older systems' exports write headers: ﾌﾘｶﾞﾅ), or 0. */
size_t lg_katakana_at(const uint8_t *p, size_t n)
{
	if (n < 3)
		return 0;
	if (p[0] == 0xEF)
		return (p[1] == 0xBD && p[2] >= 0xA6 && p[2] <= 0xBF) ||
			       (p[1] == 0xBE && p[2] >= 0x80 && p[2] <= 0x9F)
			   ? 3
			   : 0;
	if (p[0] != 0xE3)
		return 0;
	if (p[1] == 0x82)
		return p[2] >= 0xA1 ? 3 : 0;
	return p[1] == 0x83 && p[2] <= 0xBE && p[2] != 0xBB ? 3 : 0;
}

static bool email_local_char(uint8_t c)
{
	/* strchr("._%+-", c) without the call: NUL, which strchr finds as
	 * the string's end, too */
	return lg_is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-' || c == '\0';
}

static bool email_domain_char(uint8_t c)
{
	return lg_is_alnum(c) || c == '.' || c == '-';
}

/* 3 when the character before w[at] is a full-width form of one `ok`
 * takes, else 0 (the ASCII ones are looked at in line, first). */
static uint32_t wide_before(const uint8_t *w, uint32_t at, bool (*ok)(uint8_t))
{
	uint8_t c = at >= 3 ? lg_wide_ascii(w + at - 3, 3) : 0;
	return c && ok(c) ? 3 : 0;
}

/* The same for the character at w[e]. */
static uint32_t wide_at(const uint8_t *w, size_t len, uint32_t e,
			bool (*ok)(uint8_t))
{
	uint8_t c = e < len ? lg_wide_ascii(w + e, len - e) : 0;
	return c && ok(c) ? 3 : 0;
}

static bool email_trailer(uint8_t c)
{
	return c == '.' || c == '-';
}

/* Back over the characters `ok` takes before w[at], ASCII or full-width,
 * while fewer than max bytes from `from`. */
static uint32_t email_run_back(const uint8_t *w, uint32_t at, uint32_t from,
			       uint32_t max, bool (*ok)(uint8_t))
{
	uint32_t k;
	while (at > 0 && from - at < max) {
		if (w[at - 1] < 0x80 ? ok(w[at - 1])
				     : (k = wide_before(w, at, ok)) != 0)
			at -= w[at - 1] < 0x80 ? 1 : k;
		else
			break;
	}
	return at;
}

/* From the end of "x@d.tl", back to the start of the local part and on to
 * the end of the domain; each character ASCII or its full-width form. */
/* Whether w[0..at) ends with word, case aside. */
static bool ends_with_word(const uint8_t *w, uint32_t at, const char *word)
{
	size_t n = strlen(word);
	return at >= n && !lg_ascii_ncasecmp((const char *)w + at - n, word, n);
}

/* Whether the < at w[lt] opens a message's id, not an address: a mail
 * log's message-id=<…> or msgid=<…>, or a header of ids (Message-ID,
 * In-Reply-To, References; its folded lines too). */
static bool message_id_at(const uint8_t *w, uint32_t lt)
{
	static const char *const headers[] = {
	    "message-id:",	  "in-reply-to:", "references:",
	    "resent-message-id:", "content-id:",  "x-original-message-id:"};
	if (ends_with_word(w, lt, "message-id=") ||
	    ends_with_word(w, lt, "msgid="))
		return true;
	uint32_t ls = lt;
	for (int k = 0; k < 32; k++) { /* back to the header's first line */
		while (ls > 0 && w[ls - 1] != '\n')
			ls--;
		if (ls == 0 || (w[ls] != ' ' && w[ls] != '\t'))
			break;
		ls--;
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(*headers); i++) {
		size_t n = strlen(headers[i]);
		if (lt - ls >= n &&
		    !lg_ascii_ncasecmp((const char *)w + ls, headers[i], n))
			return true;
	}
	return false;
}

static bool extend_email(const uint8_t *w, size_t len, uint32_t *from,
			 uint32_t *to)
{
	uint32_t at =
	    email_run_back(w, *to, *to, UINT32_MAX, email_domain_char);
	size_t atlen = at > 0 && w[at - 1] == '@' ? 1 : 0;
	if (!atlen && at >= 3 && !memcmp(w + at - 3, "\xEF\xBC\xA0", 3))
		atlen = 3;
	/* %40: its digits were taken as the domain's */
	if (!atlen && at >= 1 && *to - at >= 2 && w[at - 1] == '%' &&
	    w[at] == '4' && w[at + 1] == '0') {
		at += 2;
		atlen = 3;
	}
	if (!atlen)
		return false;
	uint32_t s = email_run_back(w, at - (uint32_t)atlen, at,
				    64 + (uint32_t)atlen, email_local_char);
	if (s > 0 && w[s - 1] == '<' && message_id_at(w, s - 1))
		return false; /* <20240612.4Wz1@mx1.example.co.jp> */
	uint32_t e = *to, k;
	while (e < len && e - at < 253) {
		if (w[e] < 0x80
			? email_domain_char(w[e])
			: (k = wide_at(w, len, e, email_domain_char)) != 0)
			e += w[e] < 0x80 ? 1 : k;
		else
			break;
	}
	while (e > *to &&
	       ((w[e - 1] == '.' || w[e - 1] == '-') ||
		(w[e - 1] >= 0x80 && wide_before(w, e, email_trailer))))
		e -= w[e - 1] < 0x80 ? 1 : 3;
	*from = s;
	*to = e;
	return true;
}

static bool token_char(uint8_t c)
{
	return lg_is_alnum(c) || strchr("_-./+=", c) != NULL;
}

/* The pattern ends 16 characters into the token: take the rest of it. */
static bool extend_token(const uint8_t *w, size_t len, uint32_t *from,
			 uint32_t *to)
{
	(void)from;
	uint32_t e = *to, lim = *to + 84;
	while (e < len && e < lim && token_char(w[e]))
		e++;
	*to = e;
	return true;
}

/* True when p starts "name=" (spaces allowed in the name, as in "User
 * Id="): the next field of a connection or query string. */
static bool key_follows(const uint8_t *p, const uint8_t *end)
{
	while (p < end && *p == ' ')
		p++;
	if (p >= end || (!lg_is_alpha(*p) && *p != '_'))
		return p >= end || *p == '\n' || *p == '\r';
	while (p < end && (lg_is_alnum(*p) || strchr("_.- ", *p)))
		p++;
	return p < end && *p == '=';
}

/* How the lines of a test log start: the results test suites print a
 * line each (automake's test-suite.log, DejaGnu's .sum and .log, as
 * Debian ships them for binutils and gdb), and DejaGnu's line before each
 * test file's results ("Running /build/.../strings.exp ..."). */
static const char *const test_results[] = {
    "PASS:",	    "FAIL:",	 "XPASS:", "XFAIL:",	"KPASS:",
    "KFAIL:",	    "SKIP:",	 "ERROR:", "UNTESTED:", "UNRESOLVED:",
    "UNSUPPORTED:", "Running /", NULL};

static bool test_result_line(const uint8_t *p, const uint8_t *end)
{
	for (int k = 0; k < 16 && p < end && (*p == ' ' || *p == '\t'); k++)
		p++; /* quoted in a ChangeLog, indented */
	for (const char *const *r = test_results; *r; r++) {
		size_t n = strlen(*r);
		if ((size_t)(end - p) >= n && !memcmp(p, *r, n))
			return true;
	}
	return false;
}

/* Bytes looked at around a line for its neighbours: within what a window
 * keeps before and after its own share, so that a finding is the same
 * wherever the window falls. */
#define NEIGHBOUR_LOOK 200u

/* The start of the line holding w[at], looked for NEIGHBOUR_LOOK bytes
 * back; UINT32_MAX when it is further. */
static uint32_t line_start_near(const uint8_t *w, uint32_t at)
{
	uint32_t lo = at > NEIGHBOUR_LOOK ? at - NEIGHBOUR_LOOK : 0, p = at;
	while (p > lo && w[p - 1] != '\n')
		p--;
	return p == 0 || w[p - 1] == '\n' ? p : UINT32_MAX;
}

/* Whether the word after p (past blanks) names a DejaGnu test file:
 * "gdb.linespec/ls-errs.exp:". */
static bool names_exp_file(const uint8_t *p, const uint8_t *end)
{
	if (end - p > NEIGHBOUR_LOOK)
		end = p + NEIGHBOUR_LOOK;
	while (p < end && *p == ' ')
		p++;
	const uint8_t *q = p;
	while (q < end && !lg_is_space(*q))
		q++;
	return q - p > 5 && !memcmp(q - 5, ".exp:", 5);
}

/* Whether the label at w[at] (a window offset) is a test's PASS line:
 * first on its line (after blanks), naming a DejaGnu .exp file or among
 * others (the line above or below one of test_results). A lone "PASS: x"
 * (a memo's "USER: admin / PASS: ...") is a password's label. */
static bool test_pass_line(const uint8_t *w, size_t len, uint32_t at)
{
	if (len - at < 5 || memcmp(w + at, "PASS:", 5) != 0)
		return false;
	uint32_t ls = line_start_near(w, at);
	if (ls == UINT32_MAX || !test_result_line(w + ls, w + at + 5))
		return false; /* not first on its line */
	if (names_exp_file(w + at + 5, w + len))
		return true; /* "PASS: gdb.base/break.exp: ..." */
	size_t look = len - at < NEIGHBOUR_LOOK ? len - at : NEIGHBOUR_LOOK;
	const uint8_t *nl = memchr(w + at, '\n', look);
	if (nl && test_result_line(nl + 1, w + len))
		return true;
	uint32_t above = ls > 0 ? line_start_near(w, ls - 1) : UINT32_MAX;
	return above != UINT32_MAX && test_result_line(w + above, w + ls);
}

/* Whether what follows a value ending at w[e] goes on as code does after
 * a type or a variable: ; or ) (a statement's end, a parameter list's), |
 * (a union type), a default (= False, String=''), a comment (// or
 * Pascal's {), a Pascal property's Read or Index, the next parameter (,
 * salt:), or, past a space, an expression's call, sum or choice
 * (proxyUser + ":" + proxyPass, userpass.substring (1)). */
static bool declaration_goes_on(const uint8_t *w, size_t len, uint32_t e)
{
	bool eq = e < len && w[e] == '=';
	uint32_t p = eq ? e + 1 : e;
	while (p < len && w[p] == ' ')
		p++;
	if (eq || p >= len)
		return eq;
	if (memchr(";)|{", w[p], 4) ||
	    (w[p] == '/' && p + 1 < len && w[p + 1] == '/') ||
	    (p > e && memchr("+?(", w[p], 3)))
		return true;
	if (w[p] == '=' && p > e && p + 1 < len && w[p + 1] != '=')
		return true;
	if (p > e && len - p >= 5 &&
	    (!lg_ascii_ncasecmp((const char *)w + p, "read ", 5) ||
	     !lg_ascii_ncasecmp((const char *)w + p, "index", 5)))
		return true;
	if (w[p] != ',')
		return false;
	for (p++; p < len && w[p] == ' '; p++)
		;
	while (p < len && (lg_is_alnum(w[p]) || w[p] == '_'))
		p++;
	return p < len && w[p] == ':';
}

/* Whether the unquoted value w[vs, e) after a password label is code's:
 * an identifier without digits (a type, a variable) where a declaration
 * or an assignment goes on (password: CFStringRef; Password:=Response;
 * password: ReadableBuffer | None, is_password: FilterOrBool = False).
 * People's passwords hold digits or symbols. */
static bool code_value(const uint8_t *w, size_t len, uint32_t vs, uint32_t e)
{
	while (vs < e && w[vs] == '=') /* := */
		vs++;
	while (e > vs && memchr(";),=", w[e - 1], 4))
		e--;
	if (e <= vs || lg_is_digit(w[vs]) || w[vs] == '.')
		return false;
	for (uint32_t i = vs; i < e; i++) {
		if (!lg_is_alpha(w[i]) && w[i] != '_' && w[i] != '.')
			return false;
	}
	return declaration_goes_on(w, len, e);
}

/* A value written after its label runs to the next space or quote, or to
 * the next key=value: every prefix of it is the same candidate. */
static bool extend_secret_value(const uint8_t *w, size_t len, uint32_t *from,
				uint32_t *to)
{
	/* the match starts with the byte before an English label
	 * (WORD_START), as secret_after_separator reads it */
	uint32_t label =
	    *from < len && w[*from] < 0x80 && !lg_is_alpha(w[*from]) ? *from + 1
								     : *from;
	if (test_pass_line(w, len, label))
		return false;
	/* a file's name: "open /etc/passwd: Permission denied" */
	if (label > 0 && w[label - 1] == '/')
		return false;
	/* パス (ID／パス, as mail sends a login) ends other words: キャンパス,
	 * バイパス, インストールパス, フリーパス */
	if (len - label >= 6 && !memcmp(w + label, "パス", 6) && label >= 3 &&
	    lg_katakana_at(w + label - 3, 3))
		return false;
	/* an XML element's value (<password>…</password>; not a>b, nor a
	 * template's <user>:<password>@host) */
	bool element =
	    *to >= 2 && w[*to - 2] == '>' && !(*to >= 3 && w[*to - 3] == '=');
	if (element && !(label > 0 && w[label - 1] == '<'))
		return false;
	uint32_t e = *to, lim = *to + 80;
	/* パスワードは「Haru2025」です: the brackets hold the value */
	size_t close = *to > 0 ? jp_quote_at(w + *to - 1, len - *to + 1) : 0;
	if (close)
		e = *to + 2;
	while (e < len && e < lim && !lg_is_space(w[e]) && w[e] != '"' &&
	       w[e] != '\'' && w[e] < 0x80 &&
	       !(strchr(";,&)", w[e]) && key_follows(w + e + 1, w + len)) &&
	       !(w[e] == '<' && e + 1 < len && w[e + 1] == '/'))
		e++;
	if (element && !(len - e >= 2 && w[e] == '<' && w[e + 1] == '/'))
		return false; /* the element closes after its value */
	if (close) {
		if (len - e < 3 || memcmp(w + e, jp_quote_close[close - 1], 3))
			return false;
		e += 3;
	} else if (*to > 0 && code_value(w, len, *to - 1, e)) {
		return false;
	}
	*to = e;
	return true;
}

/* Whether the line at p (before end) is blank, or a header of an
 * armoured or encrypted key ("Proc-Type: 4,ENCRYPTED", "Version: GnuPG",
 * "Comment: ..."): then the body follows a blank line. */
static bool key_header_line(const uint8_t *p, const uint8_t *end)
{
	if (p < end && (*p == '\n' || *p == '\r'))
		return true;
	const uint8_t *q = p;
	while (q < end && (lg_is_alpha(*q) || *q == '-'))
		q++;
	return q > p && q + 1 < end && q[0] == ':' && q[1] == ' ';
}

/* A key follows its BEGIN line: base64 (32 characters in a row at least)
 * within the next bytes and before a blank line (past the quotes or \n
 * of a key written in code), or, on the very next line, the headers and
 * blank line of an armoured (PGP) or encrypted (Proc-Type) key. The BEGIN
 * line alone is a mention ("the -----BEGIN PGP PRIVATE KEY BLOCK-----
 * marker has been found") or a placeholder ("..."). Nothing past a blank
 * line is read: a file cut there (segment.c) gives the same verdict. */
#define KEY_BODY_LOOK 160u
static bool extend_private_key(const uint8_t *w, size_t len, uint32_t *from,
			       uint32_t *to)
{
	(void)from;
	const uint8_t *p = w + *to, *end = w + len;
	if (end - p > KEY_BODY_LOOK)
		end = p + KEY_BODY_LOOK;
	const uint8_t *nl = p < end && *p == '\r' ? p + 1 : p;
	if (nl < end && *nl == '\n' && key_header_line(nl + 1, end))
		return true;
	unsigned run = 0;
	for (; p < end; p++) {
		if (lg_is_alnum(*p) || *p == '+' || *p == '/') {
			if (++run >= 32)
				return true;
			continue;
		}
		run = 0;
		if (*p == '\n' && p + 1 < end &&
		    (p[1] == '\n' ||
		     (p[1] == '\r' && p + 2 < end && p[2] == '\n')))
			return false; /* a blank line: the block ended */
	}
	return false;
}

/* Words before 有効期限 that make it another document's expiry, with
 * their bytes (known when compiled). */
typedef struct expiry_word {
	const char *s;
	size_t n;
} expiry_word;
/* clang-format off */
#define EXPIRY_WORD(x) {x, sizeof(x) - 1}
/* clang-format on */
static const expiry_word expiry_of_other[] = {
    EXPIRY_WORD("旅券"),	 EXPIRY_WORD("パスポート"),
    EXPIRY_WORD("免許"),	 EXPIRY_WORD("見積"),
    EXPIRY_WORD("在留"),	 EXPIRY_WORD("保険証"),
    EXPIRY_WORD("証明書"),	 EXPIRY_WORD("契約"),
    EXPIRY_WORD("ポイント"),	 EXPIRY_WORD("クーポン"),
    EXPIRY_WORD("マイナンバー"), EXPIRY_WORD("passport"),
    EXPIRY_WORD("licen"),	 EXPIRY_WORD("quote")};

/* Whether one of expiry_of_other stands in p[0..n): one pass over the
 * few bytes before the label, each word compared only where its first
 * byte is (fourteen memmem calls cost more than the rest of the match). */
static bool expiry_of_other_in(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		/* the words' first bytes: E3..E8 and p l q */
		if ((b < 0xE3 || b > 0xE8) && b != 'p' && b != 'l' && b != 'q')
			continue;
		for (size_t k = 0;
		     k < sizeof(expiry_of_other) / sizeof(*expiry_of_other);
		     k++) {
			const expiry_word *e = &expiry_of_other[k];
			if ((uint8_t)e->s[0] == b && e->n <= n - i &&
			    !memcmp(p + i, e->s, e->n))
				return true;
		}
	}
	return false;
}

/* Whether the match at w[from] starts ".exp" ending a file's name (a
 * DejaGnu test, "ls-errs.exp: 'break 2010-03'"), not the label exp. */
static bool exp_file_name(const uint8_t *w, size_t len, uint32_t from)
{
	return len - from >= 5 && w[from] == '.' && from > 0 &&
	       !lg_is_space(w[from - 1]) &&
	       lg_ascii_ncasecmp((const char *)w + from + 1, "exp", 3) == 0 &&
	       !lg_is_alpha(w[from + 4]) && w[from + 4] != '.';
}

/* A card expiry has a month and a year, no day, and its label is the
 * card's: 2026年2月5日 after 旅券有効期限 is a passport's. */
static bool extend_card_expiry(const uint8_t *w, size_t len, uint32_t *from,
			       uint32_t *to)
{
	const uint8_t *p = w + *to, *end = w + len;
	if (end - p >= 3 && !memcmp(p, "月", 3))
		p += 3;
	while (p < end && *p == ' ')
		p++;
	/* a day follows: 2026/02/05, 2026年2月5日 */
	bool sep = p < end && (*p == '/' || *p == '-' || *p == '.');
	const uint8_t *q = sep ? p + 1 : p;
	if (q < end && ((*q >= '0' && *q <= '9') ||
			(end - q >= 3 && q[0] == 0xEF && q[1] == 0xBC &&
			 q[2] >= 0x90 && q[2] <= 0x99)))
		return false;
	uint32_t look = *from > 24 ? *from - 24 : 0;
	return !expiry_of_other_in(w + look, *from + 8 - look) &&
	       !exp_file_name(w, len, *from);
}

/* Label-then-value patterns whose validators read only the value at the
 * match's end (a date, trailing digits, an ID) run without start-of-match
 * tracking, which costs Hyperscan a third or more of their time: the
 * candidate is the match's last 96 bytes, and the validators never take a
 * value that starts inside a number. */
static bool extend_label_tail(const uint8_t *w, size_t len, uint32_t *from,
			      uint32_t *to)
{
	(void)w;
	(void)len;
	*from = *to > 96 ? *to - 96 : 0;
	while (*from > 0 && *from < *to && (w[*from] & 0xC0) == 0x80)
		(*from)++; /* start on a character */
	return true;
}

/* ---- the table ------------------------------------------------------------
 */
#define DEF(t, i, desc, pats, fn, fl, b, w, s, bef, aft)                       \
	[t] = {t, i, desc, pats, fn, NULL, fl, b, w, s, bef, aft}
#define DEFX(t, i, desc, pats, fn, ext, fl, b, w, s, bef, aft)                 \
	[t] = {t, i, desc, pats, fn, ext, fl, b, w, s, bef, aft}

const lg_detector_def lg_detector_defs[LG_TYPE_COUNT] = {
    DEF(LG_CREDIT_CARD, "credit_card",
	"payment card number (Luhn + issuer range)", no_patterns,
	validate_credit_card, LG_DIGIT_RUN, 0.70, 0.85, 0.97, 240, 96),
    DEFX(LG_CARD_CVV, "card_cvv",
	 "card security code (CVV/CVC/セキュリティコード)", pat_card_cvv,
	 validate_cvv, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_DIGIT_RUN | LG_NO_SOM, 0.0, 0.0,
	 0.92, 0, 0),
    DEFX(LG_CARD_EXPIRY, "card_expiry", "card expiry date (有効期限)",
	 pat_card_expiry, validate_card_expiry, extend_card_expiry,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_DIGIT_RUN, 0.0, 0.0, 0.88, 0, 0),
    DEF(LG_JP_MY_NUMBER, "jp_my_number",
	"My Number, individual number (個人番号)", no_patterns,
	validate_my_number, LG_DIGIT_RUN, 0.35, 0.6, 0.97, 240, 96),
    DEF(LG_JP_CORPORATE_NUMBER, "jp_corporate_number",
	"corporate number (法人番号)", no_patterns, validate_corporate,
	LG_DIGIT_RUN, 0.45, 0.7, 0.95, 240, 96),
    DEF(LG_JP_PHONE, "jp_phone", "Japanese phone number", no_patterns,
	validate_phone, LG_DIGIT_RUN, 0.55, 0.8, 0.93, 120, 48),
    DEFX(LG_EMAIL, "email", "e-mail address", pat_email, validate_email,
	 extend_email, LG_WORD | LG_NO_SOM, 0.9, 0.95, 0.97, 120, 48),
    DEF(LG_JP_POSTAL_CODE, "jp_postal_code", "postal code (郵便番号)",
	no_patterns, validate_postal, LG_DIGIT_RUN, 0.45, 0.8, 0.9, 120, 72),
    DEFX(LG_JP_ADDRESS, "jp_address",
	 "address (住所): prefecture, municipality, town and block number",
	 pat_address, lg_validate_address, lg_extend_address,
	 LG_ANCHORED | LG_NO_SOM, 0.0, 0.0, 0.85, 0, 0),
    DEFX(LG_PERSON_NAME, "person_name",
	 "person's name (氏名) by its label, honorific or column",
	 pat_person_name, lg_validate_person_name, lg_extend_person_name,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_NO_SOM, 0.0, 0.0, 0.9, 0, 0),
    DEFX(LG_BIRTH_DATE, "birth_date",
	 "date of birth (生年月日), Western or 和暦", pat_birth_date,
	 validate_birth_date, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_DIGIT_RUN | LG_NO_SOM, 0.0, 0.0,
	 0.92, 0, 0),
    DEFX(LG_JP_BANK_ACCOUNT, "jp_bank_account",
	 "bank account number (口座番号)", pat_bank_account,
	 validate_bank_account, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_DIGIT_RUN | LG_NO_SOM, 0.0, 0.0,
	 0.88, 0, 0),
    DEFX(LG_JP_DRIVERS_LICENSE, "jp_drivers_license",
	 "driver's licence number (運転免許証)", pat_drivers_license,
	 validate_drivers_license, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_DIGIT_RUN | LG_NO_SOM, 0.0, 0.0,
	 0.85, 0, 0),
    DEFX(LG_JP_PASSPORT, "jp_passport", "passport number (旅券番号)",
	 pat_passport, validate_passport, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_WORD | LG_NO_SOM, 0.0, 0.0, 0.92, 0,
	 0),
    DEFX(LG_JP_RESIDENCE_CARD, "jp_residence_card",
	 "residence card number (在留カード)", pat_residence_card,
	 validate_residence_card, extend_label_tail,
	 LG_ANCHORED | LG_KW_REQUIRED | LG_WORD | LG_NO_SOM, 0.0, 0.0, 0.93, 0,
	 0),
    DEFX(LG_PASSWORD, "password", "password or PIN written next to its label",
	 pat_password, validate_password, extend_secret_value,
	 LG_ANCHORED | LG_KW_REQUIRED, 0.0, 0.0, 0.85, 0, 0),
    DEF(LG_AWS_ACCESS_KEY_ID, "aws_access_key_id", "AWS access key id",
	pat_aws_key_id, validate_token, LG_WORD, 0.9, 0.95, 0.97, 0, 0),
    DEF(LG_AWS_SECRET_ACCESS_KEY, "aws_secret_access_key",
	"AWS secret access key", pat_aws_secret, validate_aws_secret,
	LG_ANCHORED | LG_KW_REQUIRED, 0.0, 0.0, 0.95, 0, 0),
    DEFX(LG_PRIVATE_KEY, "private_key", "PEM private key block",
	 pat_private_key, validate_private_key, extend_private_key, 0, 0.97,
	 0.97, 0.97, 0, 0),
    DEF(LG_GITHUB_TOKEN, "github_token", "GitHub token", pat_github,
	validate_token, LG_WORD, 0.95, 0.95, 0.97, 0, 0),
    DEFX(LG_SLACK_TOKEN, "slack_token", "Slack token or webhook URL", pat_slack,
	 validate_token, extend_token, LG_WORD, 0.9, 0.9, 0.95, 0, 0),
    DEFX(LG_GENERIC_API_KEY, "generic_api_key",
	 "API key or token next to its label", pat_api_key, validate_api_key,
	 extend_token, LG_ANCHORED | LG_KW_REQUIRED, 0.0, 0.0, 0.8, 0, 0),
};

/* ---- keywords (Purview's lists, research/dlp.md 1.3, plus our weights) --- */
#define T(x) (1u << (x))
#define W(...)                                                                 \
	(const char *const[])                                                  \
	{                                                                      \
		__VA_ARGS__, NULL                                              \
	}

/* Labels that say a number is something else: order, tracking, invoice and
 * product codes (the hard negatives of every PII scanner). */
#define NUMBER_TYPES                                                           \
	(T(LG_CREDIT_CARD) | T(LG_JP_MY_NUMBER) | T(LG_JP_CORPORATE_NUMBER) |  \
	 T(LG_JP_PHONE) | T(LG_JP_POSTAL_CODE))

const lg_keyword_list lg_keyword_lists[] = {
    {T(LG_CREDIT_CARD), LG_KW_STRONG,
     W("クレジットカード", "クレジット", "クレカ", "カード番号",
       "カードナンバー", "credit card", "card number", "card no",
       "セキュリティコード", "有効期限", "visa", "mastercard", "master card",
       "jcb", "amex", "american express", "diners", "discover", "unionpay",
       "銀聯", "マスターカード", "アメックス", "ダイナース", "デビットカード",
       "debit card", "cvv", "expiry", "pan")},
    {T(LG_CREDIT_CARD), LG_KW_WEAK, W("カード", "card", "決済", "payment")},
    /* column names: a user list's passwords and PINs (not their hashes,
     * policies or dates: table.c) */
    {T(LG_PASSWORD), LG_KW_STRONG,
     W("パスワード", "暗証番号", "password", "passwd", "pwd", "passcode",
       "ﾊﾟｽﾜｰﾄﾞ")},
    {T(LG_JP_MY_NUMBER), LG_KW_STRONG,
     W("マイナンバー", "個人番号", "my number", "mynumber", "個人番号カード",
       "通知カード", "マイナンバーカード", "共通番号", "個人識別番号")},
    {T(LG_JP_CORPORATE_NUMBER), LG_KW_STRONG,
     W("法人番号", "会社法人等番号", "corporate number", "登録番号",
       "適格請求書発行事業者", "インボイス", "指定通知書")},
    {T(LG_JP_PHONE), LG_KW_STRONG,
     W("電話番号", "電話", "携帯", "携帯電話", "tel", "phone", "mobile", "fax",
       "連絡先", "緊急連絡先", "自宅", "ファックス", "ＴＥＬ", "ＦＡＸ", "☎",
       "☏", "℡", "ﾃﾞﾝﾜ", "ﾃﾞﾝﾜﾊﾞﾝｺﾞｳ", "ｹｲﾀｲ", "ﾚﾝﾗｸｻｷ",
       /* romaji, as databases name their columns */
       "denwa", "keitai")},
    {T(LG_EMAIL), LG_KW_STRONG,
     W("メール", "e-mail", "email", "mail", "メールアドレス", "連絡先", "ﾒｰﾙ",
       "ﾒｰﾙｱﾄﾞﾚｽ")},
    /* labels of the code itself; seven bare digits need one of these */
    {T(LG_JP_POSTAL_CODE), LG_KW_STRONG,
     W("〒", "郵便番号", "postal code", "zip", "zip code", "postcode",
       "ﾕｳﾋﾞﾝﾊﾞﾝｺﾞｳ", "ﾕｳﾋﾞﾝNO", "yubin")},
    /* words of an address around it: enough for 123-4567 */
    {T(LG_JP_POSTAL_CODE), LG_KW_WEAK,
     W("住所", "所在地", "address", "現住所", "送付先", "お届け先")},
    {T(LG_JP_POSTAL_CODE), LG_KW_WEAK, lg_prefectures},
    {T(LG_JP_POSTAL_CODE), LG_KW_WEAK,
     W("japan", "tokyo", "osaka", "kyoto", "hokkaido", "kanagawa", "aichi",
       "fukuoka", "saitama", "chiba", "hyogo")},
    /* column names; other columns with these words name no person */
    {T(LG_PERSON_NAME), LG_KW_STRONG,
     W("氏名", "お名前", "名前", "フリガナ", "ふりがな", "カナ", "セイ", "メイ",
       "姓", "担当者", "契約者", "申込者", "受取人", "宛名", "顧客名", "会員名",
       "作成者", "記入者", "責任者", "報告者", "購入者", "注文者", "依頼者",
       "受講者", "参加者", "利用者", "来訪者", "相談者", "訪問者", "申告者",
       "被保険者", "保証人", "世帯主", "配偶者", "名義", "ﾌﾘｶﾞﾅ", "ｶﾅ", "ｾｲ",
       "ﾒｲ", "ｼﾒｲ", "ﾒｲｷﾞ", "full name", "first name", "last name",
       "given name", "family name", "surname", "customer name", "contact name",
       "cardholder", "account holder", "name", "shimei", "simei", "furigana")},
    {T(LG_PERSON_NAME), LG_KW_NEGATIVE,
     W("会社名", "社名", "商品名", "品名", "件名", "店舗名", "店名", "部署名",
       "支店名", "銀行名", "ファイル名", "ユーザー名", "ユーザ名",
       "アカウント名", "ホスト名", "サービス名", "プラン名", "コース名",
       "施設名", "建物名", "取引先名", "法人名", "団体名", "学校名", "企業名",
       "product", "item", "company", "file", "user", "host", "service", "plan",
       "course", "shop", "store", "bank", "branch", "event", "domain", "server",
       "project", "campaign", "device", "app")},
    {T(LG_JP_ADDRESS), LG_KW_STRONG,
     W("住所", "所在地", "現住所", "送付先", "お届け先", "届け先", "配送先",
       "ｼﾞｭｳｼｮ", "address", "jusho")},
    {T(LG_JP_ADDRESS), LG_KW_NEGATIVE,
     W("メールアドレス", "mail address", "ip address", "mac address", "url",
       "アドレス帳", "ipアドレス")},
    {T(LG_BIRTH_DATE), LG_KW_STRONG,
     W("生年月日", "誕生日", "生まれ", "生年", "birth", "birthday",
       "date of birth", "dob", "born", "ｾｲﾈﾝｶﾞｯﾋﾟ", "ﾀﾝｼﾞｮｳﾋﾞ", "seinengappi",
       "tanjobi", "tanjoubi")},
    {T(LG_JP_PASSPORT), LG_KW_STRONG,
     W("旅券番号", "旅券", "パスポート", "パスポート番号", "passport",
       "passport no", "passport number")},
    {T(LG_JP_RESIDENCE_CARD), LG_KW_STRONG,
     W("在留カード", "在留カード番号", "在留番号", "residence card",
       "特別永住者証明書")},
    {T(LG_CARD_CVV), LG_KW_STRONG,
     W("セキュリティコード", "cvv", "cvc", "security code")},
    {T(LG_CARD_EXPIRY), LG_KW_STRONG, W("有効期限", "expiry", "expiration")},
    {T(LG_JP_BANK_ACCOUNT), LG_KW_STRONG,
     W("口座番号", "口座", "普通", "当座", "account number", "bank account",
       "ｺｳｻﾞﾊﾞﾝｺﾞｳ", "ｺｳｻﾞ")},
    {T(LG_JP_DRIVERS_LICENSE), LG_KW_STRONG,
     W("運転免許証", "免許証番号", "運転免許", "driver's license",
       "drivers license", "driver license")},
    /* labels that name a number as something else: for every number */
    {NUMBER_TYPES, LG_KW_NEGATIVE,
     W("注文番号", "ご注文番号", "伝票番号", "追跡番号", "お問い合わせ番号",
       "問い合わせ番号", "問合せ番号", "請求書番号", "受付番号", "管理番号",
       "商品番号", "商品コード", "品番", "型番", "製造番号", "シリアル",
       "会員番号", "予約番号", "整理番号", "取引番号", "受注番号", "発注番号",
       "見積番号", "契約番号", "顧客番号", "社員番号", "invoice", "order",
       "tracking", "serial", "sku", "口座番号", "id:", "領収書番号")},
    /* words of goods and shipping: negative only as the value's own label
     * ("JAN: 4901234567894"); in 配送センター：0120-533-826 the word is part
     * of a name */
    {NUMBER_TYPES, LG_KW_NEGATIVE_DIRECT,
     W("伝票", "荷物", "配送", "jan", "isbn", "ean", "ticket", "チケット",
       "バーコード", "barcode", "レシート", "ロット", "range", "port",
       "ports")},
    {T(LG_BIRTH_DATE), LG_KW_NEGATIVE,
     W("契約日", "発行日", "注文日", "入社日", "登録日", "作成日", "更新日",
       "交付日", "有効期限", "申込日", "受付日", "発送日", "日時", "支払日",
       "請求日", "納品日", "issued", "order date", "created", "updated",
       "date:", "期限", "締切", "開催日", "予約日", "来店日")},
};
const size_t lg_keyword_list_count =
    sizeof(lg_keyword_lists) / sizeof(lg_keyword_lists[0]);

/* ---- masking ----------------------------------------------------------------
 */
/* Keeps the first `head` and last `tail` characters, stars the rest.
 * Returns the length written. */
static size_t mask_keep(const char *v, size_t n, size_t head, size_t tail,
			char *out, size_t cap)
{
	size_t m = n + 1 < cap ? n : cap - 1; /* what fits */
	/* kept: [0, head) and [n - tail, n); starred: what lies between */
	size_t star = head < m ? head : m;
	size_t keep = tail < n ? n - tail : 0;
	if (keep < star)
		keep = star;
	if (keep > m)
		keep = m;
	memcpy(out, v, star);
	memset(out + star, '*', keep - star);
	memcpy(out + keep, v + keep, m - keep);
	out[m] = '\0';
	return m;
}

/* The first character of each part of a name, the rest starred: 山** 太*,
 * T*** Y*****. */
static size_t mask_name(const char *v, char *out, size_t cap)
{
	size_t o = 0;
	bool first = true;
	for (const char *p = v; *p && o + 4 < cap;) {
		size_t l = 1;
		while ((p[l] & 0xC0) == 0x80)
			l++;
		if (*p == ' ') {
			out[o++] = ' ';
			first = true;
		} else if (first) {
			memcpy(out + o, p, l);
			o += l;
			first = false;
		} else {
			out[o++] = '*';
		}
		p += l;
	}
	out[o] = '\0';
	return o;
}

/* Appends s[0..n) at out + o, cut at cap - 1 bytes as snprintf cuts:
 * the masks are written by hand, a finding at a time. */
static size_t mask_put(char *out, size_t cap, size_t o, const char *s, size_t n)
{
	size_t room = o + 1 < cap ? cap - 1 - o : 0;
	if (n > room)
		n = room;
	memcpy(out + o, s, n);
	return o + n;
}

static size_t mask_email(const char *v, size_t n, char *out, size_t cap)
{
	if (n == 0)
		return 0; /* "%c" of the NUL: an empty string */
	const char *at = memchr(v, '@', n);
	size_t o = mask_put(out, cap, 0, v, 1);
	o = mask_put(out, cap, o, "***", 3);
	return at ? mask_put(out, cap, o, at, n - (size_t)(at - v)) : o;
}

size_t lg_mask_value(lg_type t, const char *v, char *out, size_t cap)
{
	return lg_mask_value_n(t, v, strlen(v), out, cap);
}

size_t lg_mask_value_n(lg_type t, const char *v, size_t n, char *out,
		       size_t cap)
{
	size_t o = 0;
	switch (t) {
	case LG_CREDIT_CARD:
		return mask_keep(v, n, n > 12 ? 4 : 0, 4, out, cap);
	case LG_EMAIL:
		o = mask_email(v, n, out, cap);
		break;
	case LG_JP_PHONE:
		return mask_keep(v, n, 3, 4, out, cap);
	case LG_JP_POSTAL_CODE:
		o = mask_put(out, cap, 0, v, n < 3 ? n : 3);
		o = mask_put(out, cap, o, "-****", 5);
		break;
	case LG_BIRTH_DATE:
		o = mask_put(out, cap, 0, "****-**-**", 10);
		break;
	case LG_CARD_EXPIRY:
		o = mask_put(out, cap, 0, "****-**", 7);
		break;
	case LG_CARD_CVV:
		return mask_keep(v, n, 0, 0, out, cap);
	case LG_PASSWORD:
		o = mask_put(out, cap, 0, "********", 8); /* not the length */
		break;
	case LG_SLACK_TOKEN:
		if (!strncmp(v, "https://", 8)) { /* webhook: the path is key */
			const char *svc = strstr(v, "/services/");
			size_t keep = svc ? (size_t)(svc - v) + 10 : 8;
			return mask_keep(v, n, keep, 0, out, cap);
		}
		return mask_keep(v, n, 4, 0, out, cap);
	case LG_AWS_ACCESS_KEY_ID:
	case LG_GITHUB_TOKEN:
	case LG_AWS_SECRET_ACCESS_KEY:
	case LG_GENERIC_API_KEY:
		return mask_keep(v, n, 4, 0, out, cap);
	case LG_PRIVATE_KEY:
		o = mask_put(out, cap, 0, v,
			     n); /* the header holds no secret */
		break;
	case LG_PERSON_NAME:
		return mask_name(v, out, cap);
	case LG_JP_ADDRESS: {
		/* the region, then **** */
		size_t keep = lg_address_region_len_n(v, n);
		o = mask_put(out, cap, 0, v, keep < n ? keep : n);
		o = mask_put(out, cap, o, "****", 4);
		break;
	}
	default:
		return mask_keep(v, n, 0, n > 8 ? 4 : 2, out, cap);
	}
	out[o] = '\0';
	return o;
}
