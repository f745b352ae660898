/* test_names.c: person_name and jp_address as Japanese forms, mails and
 * exports write them: after labels, before honorifics, in named columns;
 * the words that look like names and are not (お客様, 皆様, 仕様, a
 * company, a sample name on a template), the address forms (kanji
 * numerals, full-width digits, hyphen look-alikes, 郡, wards, buildings)
 * and the regions that are no one's address; how both are masked, in the
 * finding and in the snippets of the findings beside them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/engine_int.h"
#include "leakguard/detect.h"
#include "leakguard/text.h"

static lg_detector *det;

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	det = lg_detector_new(&(lg_detect_config){0.5, 0}, err, sizeof(err));
	if (!det)
		fprintf(stderr, "lg_detector_new: %s\n", err);
	return det ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	lg_detector_free(det);
	return 0;
}

#define MAX_FOUND 32
typedef struct found {
	lg_finding f[MAX_FOUND];
	size_t n;
} found;

static int keep(const lg_finding *f, void *ud)
{
	found *r = ud;
	if (r->n < MAX_FOUND)
		r->f[r->n++] = *f;
	return 0;
}

static found *scan_text(const char *text)
{
	static found r;
	r.n = 0;
	assert_int_equal(lg_detect_buffer(det, (const uint8_t *)text,
					  strlen(text), keep, &r),
			 LG_OK);
	return &r;
}

/* The finding of type t in text, NULL when none (all of them printed on
 * a failure, to see what was found instead). */
static const lg_finding *find(const char *text, lg_type t)
{
	found *r = scan_text(text);
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].type == t)
			return &r->f[i];
	}
	return NULL;
}

static void want_value(const char *text, lg_type t, const char *value)
{
	const lg_finding *f = find(text, t);
	if (!f || strcmp(f->value, value)) {
		fprintf(stderr, "text: %s\nwant %s \"%s\", got \"%s\"\n", text,
			lg_type_id(t), value, f ? f->value : "(none)");
		fail();
	}
}

static void want_none(const char *text, lg_type t)
{
	const lg_finding *f = find(text, t);
	if (f) {
		fprintf(stderr, "text: %s\nwant no %s, got \"%s\"\n", text,
			lg_type_id(t), f->value);
		fail();
	}
}

/* The roles a form, a contract or a report names people by; not what
 * follows them when it is a count, a post, a company or a word. */
static void names_after_roles(void **state)
{
	(void)state;
	want_value("作成者：山本 直樹\n", LG_PERSON_NAME, "山本 直樹");
	want_value("連帯保証人氏名：遠藤 隆\n", LG_PERSON_NAME, "遠藤 隆");
	want_value("世帯主　前田 和夫\n", LG_PERSON_NAME, "前田 和夫");
	want_value("購入者名: 松本 里美\n", LG_PERSON_NAME, "松本 里美");
	want_value("被保険者（カナ）：オカモト ダイスケ\n", LG_PERSON_NAME,
		   "オカモト ダイスケ");
	want_none("参加者：10名\n", LG_PERSON_NAME);
	want_none("参加者：営業部 全員\n", LG_PERSON_NAME);
	want_none("保証人不要のプランです\n", LG_PERSON_NAME);
	want_none("依頼者：株式会社みどりフーズ\n", LG_PERSON_NAME);
	want_none("配偶者：なし\n", LG_PERSON_NAME);
	/* a workflow's approver, by the title: no role of these */
	want_none("承認者: 橋本 課長\n", LG_PERSON_NAME);
}

/* Half-width katakana before an honorific, as banks' and older systems
 * print names on notices: a reading in two parts (MeCab cannot read
 * them), not a company's, not the sample. */
static void half_width_names_before_honorifics(void **state)
{
	(void)state;
	want_value("ｻﾄｳ ﾊﾅｺ 様\n", LG_PERSON_NAME, "ｻﾄｳ ﾊﾅｺ");
	want_value("お振込人：ﾀｶﾊｼ ｹﾝｲﾁﾛｳ様\n", LG_PERSON_NAME, "ﾀｶﾊｼ ｹﾝｲﾁﾛｳ");
	/* eighteen half-width characters: ﾔﾏﾀﾞ writes its mark apart */
	want_value("ﾔﾏﾀﾞ ｲﾁﾛｳ　様\n", LG_PERSON_NAME, "ﾔﾏﾀﾞ ｲﾁﾛｳ");
	want_none("ｶﾌﾞｼｷｶﾞｲｼｬ ﾐﾄﾞﾘﾌｰｽﾞ 様\n", LG_PERSON_NAME);
	want_none("ｵｷｬｸ様\n", LG_PERSON_NAME);
	want_none("ﾔﾏﾀﾞ ﾀﾛｳ 様\n", LG_PERSON_NAME);
}

static void names_after_labels(void **state)
{
	(void)state;
	want_value("氏名：高橋 健太\n", LG_PERSON_NAME, "高橋 健太");
	want_value("お名前　鈴木一郎\n", LG_PERSON_NAME, "鈴木一郎");
	want_value("氏名　　　　:山口 千尋\n", LG_PERSON_NAME, "山口 千尋");
	want_value("担当: 清水 翼\n", LG_PERSON_NAME, "清水 翼");
	/* a rule of dashes after it is not part of it */
	want_value("--- 担当: 清水 ---\n", LG_PERSON_NAME, "清水");
	/* the next field's label ends the name */
	want_value("お名前：長谷川 修　フリガナ：ハセガワ オサム\n",
		   LG_PERSON_NAME, "長谷川 修");
	/* a reading: kana in two parts, whatever MeCab makes of them */
	want_value("フリガナ　　　マツダ ツバサ\n", LG_PERSON_NAME,
		   "マツダ ツバサ");
	want_value("Full name: Emily Clark\n", LG_PERSON_NAME, "Emily Clark");
	want_value("Dear Mr. Smith,\n", LG_PERSON_NAME, "Smith");
	/* card holders in a payment log's JSON, and key = value */
	want_value("{\"card\":\"5326********2234\",\"holder\":\"YUKI MORI\"}\n",
		   LG_PERSON_NAME, "YUKI MORI");
	want_value("cardholder_name = TARO SATO\n", LG_PERSON_NAME,
		   "TARO SATO");
	/* letters with diacritics: European and Vietnamese names */
	want_value("Full name: José García\n", LG_PERSON_NAME, "José García");
	want_value("Contact name: François Dupont\n", LG_PERSON_NAME,
		   "François Dupont");
	want_value("Full name: Ángel Núñez\n", LG_PERSON_NAME, "Ángel Núñez");
	want_value("Dear Mr. Müller,\n", LG_PERSON_NAME, "Müller");
	want_value("氏名：Nguyễn Văn An\n", LG_PERSON_NAME, "Nguyễn Văn An");
	want_value("name,email\nŁukasz Wróbel,lukasz.wrobel@gmail.com\n",
		   LG_PERSON_NAME, "Łukasz Wróbel");
	want_none("Full name: émile zola\n", LG_PERSON_NAME);
	/* after a Japanese label: a capital with a diacritic first,
	 * full-width romaji (an IME's full-width mode), half-width kana (as
	 * banks' and older systems write names) */
	want_value("氏名：Łukasz Wróbel\n", LG_PERSON_NAME, "Łukasz Wróbel");
	want_value("担当者: Émile Dubois\n", LG_PERSON_NAME, "Émile Dubois");
	want_value("氏名：ＳＡＴＯ　ＨＡＮＡＫＯ\n", LG_PERSON_NAME,
		   "ＳＡＴＯ ＨＡＮＡＫＯ");
	want_value("受取人：ｽｽﾞｷ ｲﾁﾛｳ\n", LG_PERSON_NAME, "ｽｽﾞｷ ｲﾁﾛｳ");
	want_value("フリガナ：ﾀﾅｶ ｹﾝ\n", LG_PERSON_NAME, "ﾀﾅｶ ｹﾝ");
	/* an account's holder, as transfer details name them */
	want_value("口座名義：スズキ ハナコ\n", LG_PERSON_NAME,
		   "スズキ ハナコ");
	want_value("口座名義人：サトウ イチロウ\n", LG_PERSON_NAME,
		   "サトウ イチロウ");
	want_value("受取人名：タナカ ケン\n", LG_PERSON_NAME, "タナカ ケン");
	want_value("銀行名,支店名,口座番号,口座名義\nみずほ銀行,新宿支店,"
		   "1234567,カトウ ユミ\n",
		   LG_PERSON_NAME, "カトウ ユミ");
	want_none("名義変更の手続き 名義：株式会社さくら商事 名義人：未定\n",
		  LG_PERSON_NAME);
	/* an older system's export: half-width katakana in the header */
	want_value("ﾌﾘｶﾞﾅ,ＴＥＬ\nｻﾄｳ ﾊﾅｺ,090-1111-2222\n", LG_PERSON_NAME,
		   "ｻﾄｳ ﾊﾅｺ");
	want_value("ｶﾅｼﾒｲ,ｺｰﾄﾞ\nｽｽﾞｷ ｲﾁﾛｳ,1234\n", LG_PERSON_NAME, "ｽｽﾞｷ ｲﾁﾛｳ");
	want_none("ｶﾅﾀﾞ,ｺｰﾄﾞ\nｵﾀﾜ ｼﾃｨ,1234\nﾄﾛﾝﾄ ｼﾃｨ,5678\n", LG_PERSON_NAME);
	/* a long camelCase name with a digit is a column's name, not a
	 * generated value */
	want_value("shippingAddressLine2,氏名\n千代田区1-1,佐藤 花子\n",
		   LG_PERSON_NAME, "佐藤 花子");
	/* full-width words are read as their ASCII ones: a company, a
	 * team */
	want_none("担当：ＡＢＣ　ＣＯＲＰ\n", LG_PERSON_NAME);
	want_none("担当：ＩＴ　サポート\n", LG_PERSON_NAME);
	/* romaji is longer than kanji */
	want_value("\"holder\":\"DAISUKE KOBAYASHI\"\n", LG_PERSON_NAME,
		   "DAISUKE KOBAYASHI");
}

static void names_before_honorifics(void **state)
{
	(void)state;
	want_value("担当の佐藤花子さんから連絡がありました。\n", LG_PERSON_NAME,
		   "佐藤花子");
	want_value("顧客: 山本 結衣 様\n", LG_PERSON_NAME, "山本 結衣");
	want_value("鈴木一郎殿\n", LG_PERSON_NAME, "鈴木一郎");
	/* a given name the dictionary lacks, after a family name it has */
	want_value("連絡先です。岡田 悠斗様 070-8717-3231\n", LG_PERSON_NAME,
		   "岡田 悠斗");
	/* a post between the name and the honorific */
	want_value("鈴木部長様\n", LG_PERSON_NAME, "鈴木");
	/* a family name alone is a name, with less confidence */
	const lg_finding *f =
	    find("山田様、いつもお世話になっております。\n", LG_PERSON_NAME);
	assert_non_null(f);
	assert_string_equal(f->value, "山田");
	assert_true(f->confidence < 0.85);
}

static void words_that_are_no_names(void **state)
{
	(void)state;
	want_none("お客様各位\n", LG_PERSON_NAME);
	want_none("皆様のご協力に感謝します。仕様書を同様に確認。\n",
		  LG_PERSON_NAME);
	want_none("株式会社山田商事 御中\n", LG_PERSON_NAME);
	want_none("※ご依頼主：佐藤製菓株式会社\n", LG_PERSON_NAME);
	/* YAML's and JSON's name is not a person's */
	want_none("name: Deploy Production\n", LG_PERSON_NAME);
	want_none("{\"name\":\"Deploy Production\"}\n", LG_PERSON_NAME);
	/* an honorific that starts a word with what follows: 殿下, 様々 */
	want_none("妃殿下がお見えになった。\n", LG_PERSON_NAME);
	want_none("意見は人さまざまです。\n", LG_PERSON_NAME);
	want_none("吉田様子見\n", LG_PERSON_NAME);
	want_value("田中様宛にお送りします。\n", LG_PERSON_NAME, "田中");
}

/* Name after another word names something else (a package, a
 * certificate, a property of code); products and organisations are no
 * people. Name alone, and the labels of people, still say a name. */
static void english_labels_of_things(void **state)
{
	(void)state;
	want_none("Upstream-Name: Free Pascal Compiler\n", LG_PERSON_NAME);
	want_none("Subject Common Name: USERTrust ECC Certification\n",
		  LG_PERSON_NAME);
	want_none("    Property Name : String Read FName Write SetName;\n",
		  LG_PERSON_NAME);
	want_none("  Property fullName : String Index 8 Read FfullName;\n",
		  LG_PERSON_NAME);
	want_none("[Desktop Entry]\nName=LibreOffice Start Center\n",
		  LG_PERSON_NAME);
	want_none("Copyright holder: Free Software Foundation, Inc.\n",
		  LG_PERSON_NAME);
	/* a sender's name that is a service's */
	want_none("Name: Microsoft Teams\n", LG_PERSON_NAME);
	want_none("Name: Mail Delivery Subsystem\n", LG_PERSON_NAME);
	want_none("Name: Amazon Japan\n", LG_PERSON_NAME);
	want_value("Name: Emily Clark\n", LG_PERSON_NAME, "Emily Clark");
	/* JSON keys, Japanese and English, before Japanese values */
	want_value("{\"氏名\": \"田中 次郎\"}\n", LG_PERSON_NAME, "田中 次郎");
	want_value("{\"customerName\":\"佐藤 一郎\"}\n", LG_PERSON_NAME,
		   "佐藤 一郎");
	want_value("{\"fullName\": \"井上隆\"}\n", LG_PERSON_NAME, "井上隆");
	want_none("{\"contactName\": \"担当者未設定\"}\n", LG_PERSON_NAME);
	/* an XML element's */
	want_value("<顧客><氏名>田中 次郎</氏名></顧客>\n", LG_PERSON_NAME,
		   "田中 次郎");
	want_value("- Name: Emily Clark\n", LG_PERSON_NAME, "Emily Clark");
	want_value("1. Name: Emily Clark\n", LG_PERSON_NAME, "Emily Clark");
	want_value("Patient name: Emily Clark\n", LG_PERSON_NAME,
		   "Emily Clark");
	want_value("Your Name: Emily Clark\n", LG_PERSON_NAME, "Emily Clark");
	want_value("Name: Ronald McDonald\n", LG_PERSON_NAME,
		   "Ronald McDonald");
}

static void sample_names_are_not_findings(void **state)
{
	(void)state;
	want_none("記入例）氏名：山田太郎\n", LG_PERSON_NAME);
	want_none("氏名（例：鈴木 一郎）\n", LG_PERSON_NAME);
	want_none("お名前：山田 花子\n", LG_PERSON_NAME);
	want_none("Full name: John Doe\n", LG_PERSON_NAME);
}

/* The marks of an example are looked for in the bytes before the name:
 * each of them, and a name without one. */
static void example_marks(void **state)
{
	(void)state;
	want_none("(例) 佐藤 健太様\n", LG_PERSON_NAME);
	want_none("e.g. 佐藤 健太様\n", LG_PERSON_NAME);
	want_none("sample: 佐藤 健太様\n", LG_PERSON_NAME);
	want_none("Example: 佐藤 健太様\n", LG_PERSON_NAME);
	want_value("以下 佐藤 健太様\n", LG_PERSON_NAME, "佐藤 健太");
	want_value("例年どおり、担当は\n\n佐藤 健太様\n", LG_PERSON_NAME,
		   "佐藤 健太");
}

/* Each mark, whole or less its last byte, at each distance before a name
 * (after a label, and before an honorific): an example when the whole
 * mark lies in the 16 bytes before the name, else the name is found. */
static void example_marks_at_each_distance(void **state)
{
	(void)state;
	static const char *const marks[] = {"例",      "見本",	 "サンプル",
					    "e.g.",    "sample", "example",
					    "Example", "サ"};
	for (size_t m = 0; m < sizeof(marks) / sizeof(*marks); m++) {
		for (int cut = 0; cut < 2; cut++) {
			size_t ml = strlen(marks[m]) - (size_t)cut;
			for (size_t gap = 0; gap < 24; gap++) {
				for (int hon = 0; hon < 2; hon++) {
					if (hon && gap == 0)
						continue; /* the walk back from
							   * 様 takes in 例 */
					char t[128];
					size_t n = (size_t)snprintf(
					    t, sizeof(t), "x%.*s%.*s%s",
					    (int)ml, marks[m], (int)gap,
					    "::::::::::::::::::::::::",
					    hon ? "佐藤健太様" : "佐藤健太");
					uint32_t at =
					    (uint32_t)(n - (hon ? 15 : 12));
					uint32_t from = at,
						 to =
						     hon ? (uint32_t)n : at + 1;
					bool whole = m < 7 && !cut;
					bool example = whole && ml + gap <= 16;
					bool found = lg_extend_person_name(
					    (const uint8_t *)t, n, &from, &to);
					if (found == example)
						fail_msg("%s: found %d", t,
							 found);
					if (found)
						assert_int_equal(from, at);
				}
			}
		}
	}
}

/* lg_extend_person_name as it read every character, decoded, and
 * compared each word of its lists: what its shortcuts (the honorifics
 * and the words before them as three-byte keys, the characters before
 * an honorific and after a label classed in line) must equal. */
static bool ref_name_kanji(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0x3005 || cp == 0x30F6 ||
	       (cp >= 0xF900 && cp <= 0xFAFF);
}

static bool ref_name_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) ||
	       (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x30FB ||
	       (cp >= 0xFF66 && cp <= 0xFF9F);
}

static bool ref_name_space(uint32_t cp)
{
	return cp == ' ' || cp == 0x3000;
}

/* Latin letters with diacritics, as European and Vietnamese names write
 * them */
static bool ref_latin_more(uint32_t cp)
{
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) ||
	       (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

static bool ref_name_char(uint32_t cp)
{
	return ref_name_kanji(cp) || ref_name_kana(cp) ||
	       (cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) ||
	       ref_latin_more(cp) || cp == '-' || cp == '\'' || cp == '.';
}

static bool ref_ends_with(const uint8_t *w, uint32_t at, const char *s)
{
	size_t n = strlen(s);
	return at >= n && !memcmp(w + at - n, s, n);
}

static bool ref_example_before(const uint8_t *w, uint32_t at)
{
	static const char *const marks[] = {
	    "例", "見本", "サンプル", "e.g.", "example", "sample", "Example"};
	uint32_t lo = at > 16 ? at - 16 : 0;
	for (uint32_t p = lo; p < at; p++) {
		for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++) {
			size_t n = strlen(marks[i]);
			if (p + n <= at && !memcmp(w + p, marks[i], n))
				return true;
		}
	}
	return false;
}

static uint32_t ref_title_before(const uint8_t *w, uint32_t at)
{
	static const char *const titles[] = {"Mr. ",  "Mrs. ", "Ms. ", "Dr. ",
					     "Mr ",   "Mrs ",  "Ms ",  "Dr ",
					     "Miss ", "Prof. "};
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		uint32_t n = (uint32_t)strlen(titles[i]);
		if (ref_ends_with(w, at, titles[i]) &&
		    (at == n || !(((w[at - n - 1] | 0x20) >= 'a' &&
				   (w[at - n - 1] | 0x20) <= 'z'))))
			return at - n;
	}
	return at;
}

static bool ref_extend_person_name(const uint8_t *w, size_t len, uint32_t *from,
				   uint32_t *to)
{
	static const char *const hon[] = {"さま", "さん", "様", "殿"};
	static const char *const words[] = {"疲れ", "仕", "同", "模", "客",
					    "皆",   "各", "貴", "奥", "神"};
	/* an honorific and what follows it as one word: 殿下, 様子, さまざま */
	static const char *const words_on[] = {
	    "殿下", "殿堂", "殿方", "殿中", "殿上", "殿内", "殿舎",   "様子",
	    "様式", "様相", "様態", "様変", "様々", "様様", "さまざ", "さまよ"};
	size_t hl = 0;
	for (size_t i = 0; !hl && i < sizeof(hon) / sizeof(*hon); i++)
		hl = ref_ends_with(w, *to, hon[i]) ? strlen(hon[i]) : 0;
	for (size_t i = 0; hl && i < sizeof(words_on) / sizeof(*words_on);
	     i++) {
		size_t n = strlen(words_on[i]);
		if (*to - hl + n <= len &&
		    !memcmp(w + *to - hl, words_on[i], n))
			return false;
	}
	if (hl) { /* back from the honorific */
		uint32_t h = *to, s = h - (uint32_t)hl;
		for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
			if (ref_ends_with(w, s, words[i]))
				return false;
		}
		/* nine characters, or eighteen half-width katakana */
		for (int halves = 0; s > 0 && halves < 18;) {
			const uint8_t *p = w + s - 1;
			while (p > w && (*p & 0xC0) == 0x80 && w + s - p < 4)
				p--;
			uint32_t cp;
			lg_utf8_decode(p, (size_t)(w + s - p), &cp);
			if (!(ref_name_kanji(cp) || ref_name_kana(cp) ||
			      ref_name_space(cp)))
				break;
			halves += cp >= 0xFF61 && cp <= 0xFF9F ? 1 : 2;
			s = (uint32_t)(p - w);
		}
		while (s < h) {
			uint32_t cp;
			size_t l = lg_utf8_decode(w + s, h - s, &cp);
			if (!ref_name_space(cp))
				break;
			s += (uint32_t)l;
		}
		if (s + hl >= h || ref_example_before(w, s))
			return false;
		*from = s;
		*to = h;
		return true;
	}
	uint32_t s = *to - 1; /* on from the label */
	while (s > 0 && (w[s] & 0xC0) == 0x80)
		s--;
	if (ref_example_before(w, s))
		return false;
	uint32_t first;
	lg_utf8_decode(w + s, len - s, &first);
	uint32_t e = s, chars = 0,
		 max = w[s] < 0x80 || ref_latin_more(first) ? 32 : 16;
	while (e < len && chars < max) {
		uint32_t cp, cp2;
		size_t l = lg_utf8_decode(w + e, len - e, &cp);
		if (ref_name_space(cp)) {
			if (e + l >= len)
				break;
			lg_utf8_decode(w + e + l, len - e - l, &cp2);
			if (!ref_name_char(cp2))
				break;
		} else if (!ref_name_char(cp)) {
			break;
		}
		e += (uint32_t)l;
		chars++;
	}
	*from = ref_title_before(w, s);
	*to = e;
	return e > s;
}

typedef bool (*extend_fn)(const uint8_t *w, size_t len, uint32_t *from,
			  uint32_t *to);

/* Random texts of 1 to most pieces (each at most twelve bytes), and the
 * extension from each piece's end by got and by the reference want: the
 * same answer, and the same span where one is found (always, with
 * span_always: the span is then said even when nothing is). */
static void extension_matches(const char *const *pieces, size_t npieces,
			      size_t most, int rounds, uint32_t seed,
			      extend_fn got, extend_fn want, bool span_always)
{
	for (int round = 0; round < rounds; round++) {
		char t[512];
		size_t n = 0, ends[64], ne = 0;
		size_t np = 1 + (size_t)round % most;
		for (size_t k = 0; k < np; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 8) % npieces];
			memcpy(t + n, p, strlen(p));
			n += strlen(p);
			ends[ne++] = n;
		}
		for (size_t k = 0; k < ne; k++) {
			uint32_t f1 = 0, t1 = (uint32_t)ends[k], f2 = 0,
				 t2 = (uint32_t)ends[k];
			bool a = got((const uint8_t *)t, n, &f1, &t1);
			bool b = want((const uint8_t *)t, n, &f2, &t2);
			if (a != b ||
			    ((a || span_always) && (f1 != f2 || t1 != t2)))
				fail_msg("%.*s from %zu: %d %u-%u, want %d "
					 "%u-%u",
					 (int)n, t, ends[k], a, f1, t1, b, f2,
					 t2);
		}
	}
}

/* Random texts of name pieces, honorifics and the words before them
 * that are none, titles, example marks, spaces of both widths, kanji
 * and kana at the edges of their ranges, and broken sequences: the
 * extension from each piece's end is the reference's. */
static void name_extension_matches_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {"山田",
					     "太郎",
					     "佐々木",
					     "ヶ",
					     "様",
					     "さま",
					     "さん",
					     "殿",
					     "さ",
					     "ま",
					     "ん",
					     "お疲れ",
					     "疲",
					     "れ",
					     "仕",
					     "同",
					     "模",
					     "客",
					     "皆",
					     "各",
					     "貴",
					     "奥",
					     "神",
					     "下",
					     "Á",
					     "ệ",
					     "×",
					     "\xC9\x90",
					     "\xC3",
					     "Ｓ",
					     "ａ",
					     "ｻ",
					     "ﾞ",
					     "\xEF\xBC",
					     "子",
					     "々",
					     "ざ",
					     "よ",
					     " ",
					     "　",
					     "  ",
					     "担当：",
					     ": ",
					     "例",
					     "見本",
					     "サンプル",
					     "e.g.",
					     "sample",
					     "Example",
					     "Mr. ",
					     "Mrs ",
					     "Ms.",
					     "Dr ",
					     "Miss ",
					     "Prof. ",
					     "xMr. ",
					     "Taro",
					     "-",
					     "'",
					     ".",
					     "ｱｲ",
					     "ー",
					     "・",
					     "ゖ",
					     "ゟ",
					     "ヺ",
					     "ヽ",
					     "\xE3\x90\x80",
					     "\xE4\xB6\xBF",
					     "\xEF\xA4\x80",
					     "\xEF\xAB\xBF",
					     "\xEF\xBD\xA6",
					     "\xEF\xBE\x9F",
					     "\xEF\xBD\xA5",
					     "\xE3\x80\x85",
					     "\xE3\x82\x9F",
					     "\xE0\xA0\x80",
					     "\xED\x9F\xBF",
					     "\xE0\x80\xA0",
					     "\xED\xA0\x80",
					     "\xE3\x80",
					     "\xF0\xA0\x80\x8B",
					     "é",
					     "\x80",
					     "\xE6\xA7",
					     "\xE5",
					     "\xBF\xBF",
					     "(",
					     "\n",
					     "1",
					     "の"};
	extension_matches(pieces, sizeof(pieces) / sizeof(*pieces), 30, 30000,
			  7, lg_extend_person_name, ref_extend_person_name,
			  false);
}

/* lg_organisation_named as it searched the value for each word: what
 * looking at each byte for the words that start with it must equal. */
static bool ref_organisation(const char *v)
{
	static const char *const words[] = {"株式会社",
					    "有限会社",
					    "合同会社",
					    "会社",
					    "法人",
					    "協会",
					    "組合",
					    "事務局",
					    "事務所",
					    "御中",
					    "（株）",
					    "(株)",
					    "センター",
					    "営業部",
					    "総務部",
					    "窓口",
					    "店",
					    "担当者",
					    "お客様",
					    "株",
					    "カブシキガイシャ",
					    "ユウゲンガイシャ",
					    "ゴウドウガイシャ",
					    "ｶﾌﾞｼｷｶﾞｲｼｬ",
					    "ｶ)",
					    "(ｶ"};
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		if (strstr(v, words[i]))
			return true;
	}
	return false;
}

/* Random values of the words, their halves, their neighbours in the
 * code tables, names, spaces and broken bytes. */
static void organisation_matches_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {"株式会社",
					     "有限",
					     "合同",
					     "会社",
					     "会",
					     "社",
					     "法人",
					     "法",
					     "協会",
					     "協",
					     "組合",
					     "組",
					     "事務局",
					     "事務所",
					     "事務",
					     "御中",
					     "御",
					     "（株）",
					     "（",
					     "）",
					     "(株)",
					     "(",
					     ")",
					     "株",
					     "センター",
					     "セン",
					     "ター",
					     "営業部",
					     "営業",
					     "総務部",
					     "総務",
					     "窓口",
					     "窓",
					     "店",
					     "担当者",
					     "担当",
					     "お客様",
					     "お客",
					     "カブシキガイシャ",
					     "カブシキ",
					     "ユウゲンガイシャ",
					     "ゴウドウガイシャ",
					     "ガイシャ",
					     "ｶﾌﾞｼｷｶﾞｲｼｬ",
					     "ｶﾌﾞ",
					     "ｶ",
					     "山田",
					     "太郎",
					     "様",
					     " ",
					     "　",
					     "\xE6\xA0",
					     "\xAA",
					     "\xE3",
					     "\xEF\xBD",
					     "\xB6",
					     "a",
					     "の"};
	enum { NP = sizeof(pieces) / sizeof(*pieces) };
	uint32_t seed = 5;
	for (int round = 0; round < 50000; round++) {
		char v[LG_VALUE_MAX];
		size_t n = 0, np = 1 + (size_t)round % 6;
		for (size_t k = 0; k < np; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 8) % NP];
			size_t l = strlen(p);
			if (n + l >= sizeof(v))
				break;
			memcpy(v + n, p, l);
			n += l;
		}
		v[n] = '\0';
		if (lg_organisation_named(v) != ref_organisation(v))
			fail_msg("%s: %d", v, lg_organisation_named(v));
	}
	assert_false(lg_organisation_named(""));
}

/* lg_sample_name as it lowered a copy of the value without its spaces
 * and compared it with each sample: what counting the bytes first and
 * comparing in place must equal. */
static bool ref_sample_name(const char *v)
{
	static const char *const samples[] = {
	    "山田太郎",	    "山田花子",	    "山田一郎",	    "やまだたろう",
	    "ヤマダタロウ", "ヤマダハナコ", "やまだはなこ", "johndoe",
	    "janedoe",	    "taroyamada",   "yamadataro",   "hanakoyamada",
	    "yamadahanako", "名無し",	    "氏名",	    "名前",
	    "なまえ",	    "ﾔﾏﾀﾞﾀﾛｳ",	    "ﾔﾏﾀﾞﾊﾅｺ"};
	char k[LG_VALUE_MAX];
	size_t o = 0;
	for (const char *p = v; *p && o + 1 < sizeof(k); p++) {
		if (*p != ' ')
			k[o++] =
			    (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	}
	k[o] = '\0';
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		if (!strcmp(k, samples[i]))
			return true;
	}
	return false;
}

static void sample_names_match_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {
	    "山田",   "太郎",	"花子",	  "一郎",   "やまだ", "たろう",
	    "ヤマダ", "タロウ", "ハナコ", "はなこ", "John",   "john",
	    "JOHN",   "Doe",	"doe",	  "Jane",   "Taro",   "YAMADA",
	    "Yamada", "taro",	"Hanako", "名無し", "名無",   "氏名",
	    "名前",   "なまえ", "なま",	  "え",	    " ",      "  ",
	    "a",      "\xE5",	"佐藤"};
	enum { NP = sizeof(pieces) / sizeof(*pieces) };
	uint32_t seed = 3;
	for (int round = 0; round < 50000; round++) {
		char v[LG_VALUE_MAX];
		size_t n = 0, np = 1 + (size_t)round % 5;
		for (size_t k = 0; k < np; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 8) % NP];
			size_t l = strlen(p);
			if (n + l >= sizeof(v))
				break;
			memcpy(v + n, p, l);
			n += l;
		}
		v[n] = '\0';
		if (lg_sample_name(v) != ref_sample_name(v))
			fail_msg("%s: %d", v, lg_sample_name(v));
	}
	assert_true(lg_sample_name("John Doe"));
	assert_true(lg_sample_name("山田 太郎"));
	assert_false(lg_sample_name(""));
}

/* MeCab's words of text in a fresh analyser, which has nothing kept. */
static size_t fresh_parse(const char *text, lg_morph_token *t, size_t cap)
{
	lg_morph *m = lg_morph_new(det);
	assert_non_null(m);
	size_t n = lg_morph_parse(m, text, strlen(text), t, cap);
	lg_morph_free(m);
	return n;
}

static void same_words(const char *text, const lg_morph_token *a, size_t na,
		       const lg_morph_token *b, size_t nb)
{
	bool same = na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = a[i].off == b[i].off && a[i].len == b[i].len &&
		       a[i].cls == b[i].cls;
	if (!same) {
		fprintf(stderr, "text: %s: %zu words kept, %zu from MeCab\n",
			text, na, nb);
		fail();
	}
}

/* Common family and given names and the honorifics after them: the
 * memo tests build their texts from these (the given name and the
 * honorific may be left out). */
static const char *const family[] = {
    "佐藤", "鈴木", "高橋", "田中", "伊藤",   "渡辺", "山本",	"中村",
    "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本",	"井上",
    "木村", "林",   "斎藤", "清水", "山崎",   "森",   "池田",	"橋本",
    "阿部", "石川", "前田", "藤田", "小川",   "岡田", "長谷川", "村上"};
static const char *const given[] = {
    "太郎", "花子", "健太", "美咲", "翔太",   "陽菜", "大輔",
    "由美", "直樹", "恵子", "拓也", "さくら", "誠",   "愛",
    "浩二", "悠斗", "亮",   "優子", "和也",   "明美", ""};
static const char *const tail[] = {"様", " 様", "さん", "殿", ""};

/* An analyser keeps what MeCab made of the texts it saw (morph.c): what
 * it gives back must be what MeCab gives for those very bytes, for texts
 * that differ in one byte or only in length, after more texts than it
 * holds (some pushed out, sets shared), and cut to a caller's cap. */
static void morph_memo_gives_what_mecab_gives(void **state)
{
	(void)state;
	enum { NF = 32, NG = 21, NT = 5, N = NF * NG * NT, CAP = 48 };
	char(*text)[64] = calloc(N, sizeof(*text));
	lg_morph_token(*want)[CAP] = calloc(N, sizeof(*want));
	size_t *nwant = calloc(N, sizeof(*nwant));
	assert_true(text && want && nwant);
	lg_morph *ref = lg_morph_new(det), *m = lg_morph_new(det);
	assert_true(ref && m);
	/* before any memo is made, and with no analyser: nothing to load */
	lg_memo_prefetch(m, LG_MEMO_NAME, (const uint8_t *)"様", 3);
	lg_memo_prefetch(NULL, LG_MEMO_NAME, (const uint8_t *)"様", 3);
	for (size_t i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "%s %s%s", family[i % NF],
			 given[i / NF % NG], tail[i / (NF * NG)]);
		/* every text is new to ref: it asks MeCab */
		nwant[i] =
		    lg_morph_parse(ref, text[i], strlen(text[i]), want[i], CAP);
		assert_true(nwant[i] > 0);
	}
	/* the first texts again in an analyser that has none kept */
	for (size_t i = 0; i < 8; i++) {
		lg_morph_token t[CAP];
		size_t n = fresh_parse(text[i], t, CAP);
		same_words(text[i], want[i], nwant[i], t, n);
	}
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < N; k++) {
			/* the texts in another order each round, each twice */
			size_t i = round == 1 ? N - 1 - k : k * 7919 % N;
			for (int twice = 0; twice < 2; twice++) {
				lg_morph_token t[CAP];
				size_t n = lg_morph_parse(
				    m, text[i], strlen(text[i]), t, CAP);
				same_words(text[i], t, n, want[i], nwant[i]);
			}
			lg_morph_token t[2];
			size_t n =
			    lg_morph_parse(m, text[i], strlen(text[i]), t, 2);
			same_words(text[i], t, n, want[i],
				   nwant[i] < 2 ? nwant[i] : 2);
		}
	}
	lg_morph_free(ref);
	lg_morph_free(m);
	free(text);
	free(want);
	free(nwant);
}

/* What lg_validate_person_name said of a text. */
typedef struct name_verdict {
	bool ok;
	size_t span_off, span_len;
	double adjust;
	char value[LG_VALUE_MAX];
} name_verdict;

static name_verdict validate_name(lg_morph *m, const char *text, bool cell)
{
	lg_candidate c = {0};
	c.raw = (const uint8_t *)text;
	c.raw_len = strlen(text);
	c.fold = "";
	c.span_len = c.raw_len;
	c.from_column = cell;
	c.morph = m;
	name_verdict v = {lg_validate_person_name(&c), 0, 0, 0, ""};
	if (v.ok) {
		v.span_off = c.span_off;
		v.span_len = c.span_len;
		v.adjust = c.adjust;
		memcpy(v.value, c.value, sizeof(v.value));
	}
	return v;
}

static void same_verdict(const char *text, bool cell, const name_verdict *a,
			 const name_verdict *b)
{
	if (a->ok != b->ok || a->span_off != b->span_off ||
	    a->span_len != b->span_len || a->adjust != b->adjust ||
	    strcmp(a->value, b->value)) {
		fprintf(stderr,
			"text: %s (cell %d): kept %d \"%s\", new %d \"%s\"\n",
			text, cell, a->ok, a->value, b->ok, b->value);
		fail();
	}
}

/* The verdicts on candidates are kept per analyser (names.c): a verdict
 * given back must be the one a fresh analyser gives, for names and for
 * what is none, as a cell and not, for texts that differ in one byte,
 * after more texts than it holds. */
static void name_verdicts_kept_are_verdicts_given(void **state)
{
	(void)state;
	static const char *const odd[] = {
	    "お客様", "皆様", "営業部 山田", "株式会社山田商事", "山田 太郎",
	    "Emily Clark", "John Doe", "16", "ハラダ ナナ", "マツダ ツバサ",
	    /* values that are not in the key (its spaces made one), and a
	     * key longer than the memo keeps */
	    "佐藤  太郎 様", "佐藤　太郎様", "長谷川　明美 様",
	    "長谷川　明美　長谷川　明美　長谷川様"};
	/* the family and given names apart as a text has them: more texts
	 * than the memo's 8192 entries, as a cell and not */
	static const char *const sep[] = {" ", "　", ""};
	enum {
		NF = 32,
		NG = 21,
		NT = 5,
		NS = 3,
		NO = 14,
		N = NF * NG * NT * NS + NO
	};
	char(*text)[64] = calloc(N, sizeof(*text));
	name_verdict(*want)[2] = calloc(N, sizeof(*want));
	assert_true(text && want);
	lg_morph *ref = lg_morph_new(det), *m = lg_morph_new(det);
	assert_true(ref && m);
	for (size_t i = 0; i < N; i++) {
		if (i < NO)
			snprintf(text[i], sizeof(text[i]), "%s", odd[i]);
		else
			snprintf(text[i], sizeof(text[i]), "%s%s%s%s",
				 family[(i - NO) % NF],
				 sep[(i - NO) / (NF * NG * NT)],
				 given[(i - NO) / NF % NG],
				 tail[(i - NO) / (NF * NG) % NT]);
		/* every text is new to ref: each verdict is worked out */
		for (int cell = 0; cell < 2; cell++)
			want[i][cell] = validate_name(ref, text[i], cell);
	}
	assert_true(want[0][0].ok == false && want[4][0].ok == false);
	assert_true(want[NO][0].ok && want[NO][1].ok);
	assert_true(want[10][0].ok && !strstr(text[10], want[10][0].value));
	/* the odd texts again in an analyser that has nothing kept */
	for (size_t i = 0; i < NO; i++) {
		lg_morph *fresh = lg_morph_new(det);
		for (int cell = 0; cell < 2; cell++) {
			name_verdict v = validate_name(fresh, text[i], cell);
			same_verdict(text[i], cell, &want[i][cell], &v);
		}
		lg_morph_free(fresh);
	}
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < N; k++) {
			size_t i = round == 1 ? N - 1 - k : k * 7919 % N;
			/* the engine loads a set ahead of its look-up
			 * (in bounds under ASan, never changing a verdict) */
			lg_memo_prefetch(m, LG_MEMO_NAME,
					 (const uint8_t *)text[(i + 3) % N],
					 strlen(text[(i + 3) % N]));
			for (int twice = 0; twice < 4; twice++) {
				int cell = twice & 1;
				name_verdict v =
				    validate_name(m, text[i], cell);
				same_verdict(text[i], cell, &want[i][cell], &v);
			}
		}
	}
	lg_morph_free(ref);
	lg_morph_free(m);
	free(text);
	free(want);
}

static void name_columns(void **state)
{
	(void)state;
	const char *csv = "No,氏名,フリガナ,電話番号\n"
			  "1,原田 奈々 様,ハラダ ナナ,090-1234-5678\n"
			  "2,斎藤 翼,サイトウ ツバサ,080-2345-6789\n";
	found *r = scan_text(csv);
	const char *want[] = {"原田 奈々", "ハラダ ナナ", "斎藤 翼",
			      "サイトウ ツバサ"};
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].type != LG_PERSON_NAME)
			continue;
		assert_true(k < 4);
		assert_string_equal(r->f[i].value, want[k++]);
	}
	assert_int_equal(k, 4);
	/* a user name or a product name column names no person */
	want_none("ユーザー名,商品名,電話番号\nkenta,青いマグ,090-1234-5678\n"
		  "yui,白い皿,080-2345-6789\n",
		  LG_PERSON_NAME);
	/* an English list: the whole name, however long */
	found *e = scan_text("name,email\nChristopher Alexander,"
			     "chris.alexander@gmail.com\nHanako Ito,"
			     "hanako.ito@gmail.com\n");
	assert_int_equal(e->f[0].type, LG_PERSON_NAME);
	assert_string_equal(e->f[0].value, "Christopher Alexander");
	want_none("username,product_name,phone\nKenta,Blue Mug,"
		  "090-1234-5678\nYui,White Plate,080-2345-6789\n",
		  LG_PERSON_NAME);
	/* a dictionary's readings: セイ in セイヒツ names no column */
	want_none("静謐,1287,1287,4845,名詞,形容動詞語幹,*,*,*,*,静謐,セイヒツ,"
		  "セイヒツ\n端,1287,1287,7574,名詞,形容動詞語幹,*,*,*,*,端,"
		  "ハシタ,ハシタ\n",
		  LG_PERSON_NAME);
	/* the readings' own headers, alone or run together */
	found *kana = scan_text("No,セイカナ,メイ\n1,タカハシ,ケンタ\n");
	assert_int_equal(kana->n, 2);
	assert_string_equal(kana->f[0].value, "タカハシ");
	assert_string_equal(kana->f[1].value, "ケンタ");
	/* a keyword going on into a longer word names nothing (named,
	 * namespace); joined or plural it does (firstname, names) */
	want_none("hi def link namedOption\tnamedKeyword\n"
		  "hi def link namedQSKeywords\tType\n"
		  "hi def link namedIPaddr\tNumber\n",
		  LG_PERSON_NAME);
	want_value("firstname,email\nEmily Clark,emily.clark@gmail.com\n",
		   LG_PERSON_NAME, "Emily Clark");
	want_value("names,email\nEmily Clark,emily.clark@gmail.com\n",
		   LG_PERSON_NAME, "Emily Clark");
	/* a form laid out as two columns reads as a header and rows: the
	 * labels in its first column are no names */
	found *form =
	    scan_text("Name\tEmily Clark\nAddress\t42 Main Street\n"
		      "Phone\t03-1234-5678\nDate of Birth\t15th August "
		      "1991\n");
	for (size_t i = 0; i < form->n; i++)
		assert_int_not_equal(form->f[i].type, LG_PERSON_NAME);
	/* code: a statement is no header of one column */
	want_none("ExtNames.Free;\nRawRecord.Free;\n", LG_PERSON_NAME);
	/* prose: a sentence with commas is no header */
	want_none("Target names may contain upper and lower case letters, "
		  "numbers, the underscore\nAs a special case, targets\n",
		  LG_PERSON_NAME);
}

/* A name's value as name_value copied it a character at a time, decoded:
 * each run of spaces (space, tab, U+3000) one space, none at the ends. */
static void ref_name_value(const char *raw, size_t n, char *out)
{
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = lg_utf8_decode((const uint8_t *)raw + i, n - i, &cp);
		if (cp == ' ' || cp == '\t' || cp == 0x3000) {
			space = o > 0;
		} else {
			if (space)
				out[o++] = ' ';
			space = false;
			memcpy(out + o, raw + i, l);
			o += l;
		}
		i += l;
	}
	out[o] = '\0';
}

/* Cells of two name parts among runs of spaces of both widths, an
 * honorific after some: the value each is given is the reference's
 * copy of its span, spaces made one. */
static void name_values_match_reference(void **state)
{
	(void)state;
	static const char *const parts[] = {"山田",   "佐々木", "花子", "一",
					    "たろう", "ヤマダ", "ｱｲ",	"奈々"};
	static const char *const spaces[] = {" ",   "　",   "  ",
					     "　 ", " 　 ", "　　"};
	lg_morph *m = lg_morph_new(det);
	assert_non_null(m);
	uint32_t seed = 9;
	for (int round = 0; round < 4000; round++) {
		char t[128];
		const char *pick[5];
		for (size_t k = 0; k < 5; k++) {
			seed = seed * 1103515245u + 12345u;
			pick[k] = k % 2 ? parts[(seed >> 8) % 8]
					: spaces[(seed >> 8) % 6];
		}
		bool hon = round % 3 == 0;
		snprintf(t, sizeof(t), "%s%s%s%s%s%s", round % 2 ? pick[0] : "",
			 pick[1], pick[2], pick[3], round % 4 ? "" : pick[4],
			 hon ? " 様" : "");
		name_verdict v = validate_name(m, t, true);
		if (!v.ok)
			continue;
		char want[LG_VALUE_MAX];
		ref_name_value(t + v.span_off, v.span_len, want);
		if (strcmp(v.value, want))
			fail_msg("%s: [%s], want [%s]", t, v.value, want);
	}
	lg_morph_free(m);
}

/* lg_extend_address as it read every character, decoded: what its
 * shortcuts (ASCII, and kanji by their lead bytes) must equal. */
static bool ref_kanji(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || cp == 0x3005 || cp == 0x30F6 ||
	       cp == 0x30F5;
}

static bool ref_kana(uint32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) ||
	       (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x30FB;
}

static bool ref_extend_address(const uint8_t *w, size_t len, uint32_t *from,
			       uint32_t *to)
{
	uint32_t s = *to - 1;
	for (uint32_t l = 9; l <= 12; l += 3) {
		bool pref = false;
		for (size_t i = 0; *to >= l && lg_prefectures[i]; i++)
			pref |= strlen(lg_prefectures[i]) == l &&
				!memcmp(w + *to - l, lg_prefectures[i], l);
		if (pref) {
			s = *to - l;
			break;
		}
	}
	while (s > 0 && (w[s] & 0xC0) == 0x80)
		s--;
	uint32_t e = s;
	unsigned chars = 0, spaces = 0;
	while (e < len && chars < 64) {
		size_t l;
		uint32_t cp = lg_utf8_char_at(w + e, len - e, &l);
		bool jp = cp >= 0x80 && (ref_kanji(cp) || ref_kana(cp));
		int a = jp ? -1 : cp < 0x80 ? (int)cp : lg_fold_ascii(cp);
		bool sp = a == ' ';
		if (sp && (++spaces > 3 || (e + l < len && (w[e + l] == ' '))))
			break;
		if (!(sp || jp ||
		      (a > ' ' && a < 0x7F && !strchr(",;:()[]<>\"'/|", a))))
			break;
		e += (uint32_t)l;
		chars++;
	}
	*from = s;
	*to = e;
	return e > s;
}

/* Random texts of address pieces, kanji of each lead byte, kana, ASCII
 * an address holds and stops at, spaces of both widths, full-width and
 * broken characters: the extension from each character's end is the
 * reference's. */
static void address_extension_matches_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {"東京都",
					     "神奈川県",
					     "新宿区",
					     "西新宿",
					     "2",
					     "-",
					     "８",
					     "－",
					     " ",
					     "　",
					     "ビル",
					     "5F",
					     ",",
					     "(",
					     "\"",
					     "例",
					     "ー",
					     "一",
					     "ｱ",
					     "a",
					     ":",
					     "丁目",
					     "ヶ",
					     "々",
					     "\xE5",
					     "\xE9\xBF\xBF",
					     "\xEA\x80\x80",
					     "\xE4\xB8\x80",
					     "\xE4\xB7\xBF",
					     "\xE6\x80",
					     "|",
					     "#",
					     "の",
					     "〒",
					     "、",
					     "ゖ",
					     "ゟ",
					     "ヺ",
					     "ヽ",
					     "\xE3\x83"};
	extension_matches(pieces, sizeof(pieces) / sizeof(*pieces), 40, 20000,
			  11, lg_extend_address, ref_extend_address, true);
}

static void address_forms(void **state)
{
	(void)state;
	want_value("〒160-0023 東京都新宿区西新宿2－8－1\n", LG_JP_ADDRESS,
		   "東京都新宿区西新宿2-8-1");
	want_value("東京都新宿区西新宿２ー８ー１\n", LG_JP_ADDRESS,
		   "東京都新宿区西新宿2-8-1");
	want_value("住所：東京都新宿区西新宿二丁目8番1号 新宿ビル5F\n",
		   LG_JP_ADDRESS, "東京都新宿区西新宿二丁目8番1号新宿ビル5F");
	want_value("愛知県西春日井郡豊山町大字豊場1番地\n", LG_JP_ADDRESS,
		   "愛知県西春日井郡豊山町大字豊場1番地");
	want_value("北海道札幌市中央区北1条西2丁目1\n", LG_JP_ADDRESS,
		   "北海道札幌市中央区北1条西2丁目1");
	/* after a label the city may come first */
	want_value("送付先：〒530-0001 大阪市北区梅田1-2-3\n", LG_JP_ADDRESS,
		   "大阪市北区梅田1-2-3");
	/* a phone after it is no building */
	want_value("東京都渋谷区渋谷1-2-3 TEL 03-1234-5678\n", LG_JP_ADDRESS,
		   "東京都渋谷区渋谷1-2-3");
}

/* A postal code written before an address confirms it. */
static void postal_code_raises_an_address(void **state)
{
	(void)state;
	const lg_finding *f = find("東京都新宿区西新宿2-8-1\n", LG_JP_ADDRESS);
	assert_non_null(f);
	double alone = f->confidence;
	f = find("〒160-0023 東京都新宿区西新宿2-8-1\n", LG_JP_ADDRESS);
	assert_non_null(f);
	assert_true(f->confidence > alone + 0.05);
	/* one further away, on another line of a form, does not */
	f = find("〒160-0023\n\n\n備考：なし、特記事項もございません。\n"
		 "東京都新宿区西新宿2-8-1\n",
		 LG_JP_ADDRESS);
	assert_non_null(f);
	assert_true(f->confidence < alone + 0.01);
}

static void regions_are_no_addresses(void **state)
{
	(void)state;
	want_none("東京都新宿区\n", LG_JP_ADDRESS);
	want_none("東京都内の店舗で販売します。\n", LG_JP_ADDRESS);
	want_none("東京都千代田区の本社にて\n", LG_JP_ADDRESS);
	want_none("住所：未定\n", LG_JP_ADDRESS);
	want_none("東京都○○区○○町1-2-3\n", LG_JP_ADDRESS);
}

/* Each of the 47 prefectures starts an address, and is its region. */
static void every_prefecture(void **state)
{
	(void)state;
	for (size_t i = 0; lg_prefectures[i]; i++) {
		char text[128], value[96], masked[96];
		snprintf(text, sizeof(text), "%s中央市本町1-2-3\n",
			 lg_prefectures[i]);
		snprintf(value, sizeof(value), "%s中央市本町1-2-3",
			 lg_prefectures[i]);
		want_value(text, LG_JP_ADDRESS, value);
		snprintf(masked, sizeof(masked), "%s中央市****",
			 lg_prefectures[i]);
		assert_string_equal(find(text, LG_JP_ADDRESS)->masked, masked);
	}
	/* one character off is none (京都 is a city, 東京 alone no region) */
	want_none("東京府中央市本町1-2-3\n", LG_JP_ADDRESS);
	want_none("京都県中央市本町1-2-3\n", LG_JP_ADDRESS);
}

/* An address's mask is written by hand: what snprintf would write, for
 * every size of the buffer, cut or not. */
static void address_mask_in_any_buffer(void **state)
{
	(void)state;
	static const char *const v[] = {"東京都新宿区西新宿2-8-1", "東京都",
					"abc", ""};
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		size_t keep = lg_address_region_len(v[i]);
		for (size_t cap = 1; cap <= 48; cap++) {
			char got[48], want[48];
			memset(got, 'x', sizeof(got));
			lg_mask_value(LG_JP_ADDRESS, v[i], got, cap);
			snprintf(want, cap, "%.*s****", (int)keep, v[i]);
			assert_string_equal(got, want);
			if (cap < sizeof(got))
				assert_int_equal(got[cap], 'x');
		}
	}
}

/* The region an address's mask keeps: the mask's parse stops after the
 * town's first character when a prefecture leads (the address is one
 * whatever follows); these are what the whole parse gives, a prefecture
 * or not, a town or not, a number or not (three characters: no region). */
static void address_region_as_the_whole_parse(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		size_t region;
	} c[] = {
	    {"東京都新宿区西新宿2-8-1", 18},
	    {"東京都新宿区西新宿", 18},
	    {"東京都新宿区2-8-1", 18},
	    {"東京都新宿区abc", 9},
	    {"東京都新宿区", 9},
	    {"東京都 新宿区 西新宿", 19},
	    {"北海道札幌市中央区北一条西2", 27},
	    {"北海道札幌市中央区abc", 9},
	    {"新宿区西新宿2-8-1", 9},
	    {"札幌市中央区北一条西2", 18},
	    {"札幌市中央区大通", 9},
	    {"長野県北佐久郡軽井沢町長倉", 33},
	    {"長野県北佐久郡軽井沢町?", 9},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++)
		assert_int_equal(lg_address_region_len(c[i].v), c[i].region);
}

static void masks(void **state)
{
	(void)state;
	const lg_finding *f = find("東京都新宿区西新宿2-8-1\n", LG_JP_ADDRESS);
	assert_non_null(f);
	assert_string_equal(f->masked, "東京都新宿区****");
	f = find("氏名：高橋 健太\n", LG_PERSON_NAME);
	assert_non_null(f);
	assert_string_equal(f->masked, "高* 健*");
	/* a phone's snippet shows the name and address beside it masked */
	const char *csv = "氏名,住所,電話番号\n"
			  "渡辺 美咲,北海道札幌市中央区北1条西2丁目1,"
			  "090-1234-5678\n";
	f = find(csv, LG_JP_PHONE);
	assert_non_null(f);
	assert_null(strstr(f->context, "美咲"));
	assert_null(strstr(f->context, "北1条"));
	assert_non_null(strstr(f->context, "渡* 美*"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_after_labels),
	    cmocka_unit_test(names_before_honorifics),
	    cmocka_unit_test(words_that_are_no_names),
	    cmocka_unit_test(english_labels_of_things),
	    cmocka_unit_test(sample_names_are_not_findings),
	    cmocka_unit_test(example_marks),
	    cmocka_unit_test(example_marks_at_each_distance),
	    cmocka_unit_test(name_extension_matches_reference),
	    cmocka_unit_test(organisation_matches_reference),
	    cmocka_unit_test(sample_names_match_reference),
	    cmocka_unit_test(morph_memo_gives_what_mecab_gives),
	    cmocka_unit_test(name_verdicts_kept_are_verdicts_given),
	    cmocka_unit_test(name_columns),
	    cmocka_unit_test(name_values_match_reference),
	    cmocka_unit_test(address_forms),
	    cmocka_unit_test(address_extension_matches_reference),
	    cmocka_unit_test(postal_code_raises_an_address),
	    cmocka_unit_test(regions_are_no_addresses),
	    cmocka_unit_test(every_prefecture),
	    cmocka_unit_test(address_mask_in_any_buffer),
	    cmocka_unit_test(address_region_as_the_whole_parse),
	    cmocka_unit_test(masks),
	    cmocka_unit_test(names_after_roles),
	    cmocka_unit_test(half_width_names_before_honorifics),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
