/* test_link.c: the share-link classifier on one URL per provider shape
 * (file, folder, expiring, permanent) and the directory-listing readers
 * on listings as their servers write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/audit.h"

typedef struct shape {
	const char *url;
	lg_link_provider provider;
	lg_link_kind kind;
	lg_link_expiry expiry;
	int64_t expires_at; /* when expiry == LG_EXPIRY_AT */
} shape;

/* 2024-05-01T09:00:00Z */
#define T0 1714554000

static const shape shapes[] = {
    {"https://drive.google.com/file/d/1AbC/view?usp=sharing",
     LG_LINK_GOOGLE_DRIVE, LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://drive.google.com/file/u/1/d/1AbC/edit", LG_LINK_GOOGLE_DRIVE,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://drive.google.com/drive/folders/1ZyX?usp=drive_link",
     LG_LINK_GOOGLE_DRIVE, LG_LINK_FOLDER, LG_EXPIRY_PERMANENT, 0},
    {"https://drive.google.com/drive/u/0/folders/1ZyX", LG_LINK_GOOGLE_DRIVE,
     LG_LINK_FOLDER, LG_EXPIRY_PERMANENT, 0},
    {"https://drive.google.com/open?id=1AbC", LG_LINK_GOOGLE_DRIVE,
     LG_LINK_UNKNOWN, LG_EXPIRY_PERMANENT, 0},
    {"https://drive.google.com/uc?id=1AbC&export=download",
     LG_LINK_GOOGLE_DRIVE, LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://docs.google.com/spreadsheets/d/1QwE/edit#gid=0",
     LG_LINK_GOOGLE_DOCS, LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://docs.google.com/document/d/1QwE/view", LG_LINK_GOOGLE_DOCS,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://www.dropbox.com/scl/fi/ab12/flyer.pdf?rlkey=k&dl=0",
     LG_LINK_DROPBOX, LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://www.dropbox.com/scl/fo/ab12/AAB?rlkey=k&dl=0", LG_LINK_DROPBOX,
     LG_LINK_FOLDER, LG_EXPIRY_PERMANENT, 0},
    {"https://www.dropbox.com/s/ab12/flyer.pdf?dl=0", LG_LINK_DROPBOX,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://www.dropbox.com/sh/ab12/AAA?dl=0", LG_LINK_DROPBOX,
     LG_LINK_FOLDER, LG_EXPIRY_PERMANENT, 0},
    {"https://contoso.sharepoint.com/:w:/s/Sales/Eab?e=1", LG_LINK_SHAREPOINT,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://contoso.sharepoint.com/:x:/r/sites/Sales/Eab", LG_LINK_SHAREPOINT,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://contoso-my.sharepoint.com/:f:/g/personal/t/Eab",
     LG_LINK_SHAREPOINT, LG_LINK_FOLDER, LG_EXPIRY_PERMANENT, 0},
    {"https://1drv.ms/x/s!AbC", LG_LINK_ONEDRIVE, LG_LINK_FILE,
     LG_EXPIRY_PERMANENT, 0},
    {"https://1drv.ms/f/s!AbC", LG_LINK_ONEDRIVE, LG_LINK_FOLDER,
     LG_EXPIRY_PERMANENT, 0},
    {"https://app.box.com/s/abcdef", LG_LINK_BOX, LG_LINK_UNKNOWN,
     LG_EXPIRY_PERMANENT, 0},
    {"https://app.box.com/folder/123", LG_LINK_BOX, LG_LINK_FOLDER,
     LG_EXPIRY_PERMANENT, 0},
    /* S3 virtual-hosted and path style, unsigned (a public object) */
    {"https://b.s3.ap-northeast-1.amazonaws.com/flyer.pdf", LG_LINK_S3,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://s3.ap-northeast-1.amazonaws.com/b/flyer.pdf", LG_LINK_S3,
     LG_LINK_FILE, LG_EXPIRY_PERMANENT, 0},
    {"https://b.s3.amazonaws.com/", LG_LINK_S3, LG_LINK_LISTING,
     LG_EXPIRY_PERMANENT, 0},
    {"https://s3.amazonaws.com/b/reports/", LG_LINK_S3, LG_LINK_FOLDER,
     LG_EXPIRY_PERMANENT, 0},
    {"https://b.s3.amazonaws.com/?list-type=2&prefix=r", LG_LINK_S3,
     LG_LINK_LISTING, LG_EXPIRY_PERMANENT, 0},
    /* SigV4 presigned, both styles; SigV2 */
    {"https://b.s3.ap-northeast-1.amazonaws.com/f.pdf?X-Amz-Algorithm=AWS4-"
     "HMAC-SHA256&X-Amz-Date=20240501T090000Z&X-Amz-Expires=3600&X-Amz-"
     "Signature=ab",
     LG_LINK_S3, LG_LINK_FILE, LG_EXPIRY_AT, T0 + 3600},
    {"https://s3.ap-northeast-1.amazonaws.com/b/f.pdf?x-amz-date="
     "20240501T090000Z&x-amz-expires=604800&x-amz-signature=ab",
     LG_LINK_S3, LG_LINK_FILE, LG_EXPIRY_AT, T0 + 604800},
    {"https://b.s3.amazonaws.com/f.pdf?AWSAccessKeyId=AKIA&Expires="
     "1893456000&Signature=a%2Fb",
     LG_LINK_S3, LG_LINK_FILE, LG_EXPIRY_AT, 1893456000},
    {"https://b.s3.amazonaws.com/f.pdf?X-Amz-Signature=ab", LG_LINK_S3,
     LG_LINK_FILE, LG_EXPIRY_NOT_IN_URL, 0},
    /* GCS */
    {"https://storage.googleapis.com/b/f.pdf?X-Goog-Algorithm=GOOG4-RSA-"
     "SHA256&X-Goog-Date=20240501T090000Z&X-Goog-Expires=86400&X-Goog-"
     "Signature=ab",
     LG_LINK_GCS, LG_LINK_FILE, LG_EXPIRY_AT, T0 + 86400},
    {"https://b.storage.googleapis.com/f.pdf", LG_LINK_GCS, LG_LINK_FILE,
     LG_EXPIRY_PERMANENT, 0},
    {"https://storage.googleapis.com/b/", LG_LINK_GCS, LG_LINK_LISTING,
     LG_EXPIRY_PERMANENT, 0},
    /* Azure SAS */
    {"https://a.blob.core.windows.net/c/f.pdf?sv=2022-11-02&sr=b&sp=r&se="
     "2024-05-01T09%3A00%3A00Z&sig=ab",
     LG_LINK_AZURE_BLOB, LG_LINK_FILE, LG_EXPIRY_AT, T0},
    {"https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sp=rl&se=2024-05-"
     "01T09:00:00Z&sig=ab",
     LG_LINK_AZURE_BLOB, LG_LINK_FOLDER, LG_EXPIRY_AT, T0},
    {"https://a.blob.core.windows.net/c/f.pdf?sv=2022-11-02&sr=b&si=ad&sig="
     "ab",
     LG_LINK_AZURE_BLOB, LG_LINK_FILE, LG_EXPIRY_NOT_IN_URL, 0},
    {"https://a.blob.core.windows.net/c?restype=container&comp=list",
     LG_LINK_AZURE_BLOB, LG_LINK_LISTING, LG_EXPIRY_PERMANENT, 0},
    {"https://www.example.co.jp/flyer.pdf", LG_LINK_WEB, LG_LINK_UNKNOWN,
     LG_EXPIRY_PERMANENT, 0},
};

static void every_provider_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(*shapes); i++) {
		lg_link_info li;
		const shape *s = &shapes[i];
		assert_int_equal(lg_link_classify(s->url, &li), LG_OK);
		if (li.provider != s->provider || li.kind != s->kind ||
		    li.expiry != s->expiry ||
		    (s->expiry == LG_EXPIRY_AT &&
		     li.expires_at != s->expires_at))
			fail_msg("%s: %s %s expiry %d at %lld", s->url,
				 lg_link_provider_name(li.provider),
				 lg_link_kind_name(li.kind), (int)li.expiry,
				 (long long)li.expires_at);
	}
}

static void sas_flags_and_bad_urls(void **state)
{
	(void)state;
	lg_link_info li;
	assert_int_equal(lg_link_classify("https://a.blob.core.windows.net/c?"
					  "sr=c&sp=racwdl&se=2030-01-01&sig=x",
					  &li),
			 LG_OK);
	assert_true(li.writable);
	assert_true(li.listable);
	assert_int_equal(lg_link_classify("ftp://example.com/x", &li),
			 LG_EINVAL);
	assert_int_equal(lg_link_classify("https:///nohost", &li), LG_EINVAL);
	assert_int_equal(lg_link_classify("https://www.dropbox.com/scl/fo/a/b?"
					  "dl=1",
					  &li),
			 LG_OK);
	assert_true(li.zip_download);
}

static void durations_times_and_redaction(void **state)
{
	(void)state;
	int64_t s;
	assert_true(lg_duration_parse("7d", &s) && s == 604800);
	assert_true(lg_duration_parse("12h", &s) && s == 43200);
	assert_true(lg_duration_parse("90", &s) && s == 90);
	assert_false(lg_duration_parse("7days", &s));
	assert_false(lg_duration_parse("-1d", &s));
	assert_true(lg_utc_parse("2024-05-01T09:00:00Z", &s) && s == T0);
	assert_true(lg_utc_parse("20240501T090000Z", &s) && s == T0);
	assert_true(lg_utc_parse("2024-05-01T09:00Z", &s) && s == T0);
	assert_true(lg_utc_parse("2024-05-01", &s) && s == T0 - 9 * 3600);
	assert_false(lg_utc_parse("2024-13-01", &s));
	assert_false(lg_utc_parse("yesterday", &s));
	char *r = lg_link_redact("https://h/k?X-Amz-Date=1&X-Amz-Signature="
				 "abc&sig=d#frag");
	assert_string_equal(r,
			    "https://h/k?X-Amz-Date=1&X-Amz-Signature=***&sig="
			    "***#frag");
	free(r);
}

/* ---- listings, as their servers write them ---- */
/* nginx 1.22 autoindex on (captured from the real server) */
static const char nginx_html[] =
    "<html>\r\n<head><title>Index of /files/</title></head>\r\n<body>\r\n"
    "<h1>Index of /files/</h1><hr><pre><a href=\"../\">../</a>\r\n"
    "<a href=\"sub/\">sub/</a>                 01-Dec-2026 20:38        "
    "           -\r\n"
    "<a href=\"customers.csv\">customers.csv</a>     01-Dec-2026 20:38  "
    "               214\r\n"
    "<a href=\"a%20b.txt\">a b.txt</a>     01-Dec-2026 20:38        46\r\n"
    "</pre><hr></body>\r\n</html>\r\n";
/* nginx autoindex_format json and xml (captured) */
static const char nginx_json[] =
    "[\n{ \"name\":\"sub\", \"type\":\"directory\", \"mtime\":\"Tue, 01 Dec "
    "2026 20:38:25 GMT\" },\n{ \"name\":\"customers.csv\", \"type\":\"file\", "
    "\"mtime\":\"Tue, 01 Dec 2026 20:38:25 GMT\", \"size\":214 }\n]";
static const char nginx_xml[] =
    "<?xml version=\"1.0\"?>\n<list>\n<directory mtime=\"2026-12-01T20:38:"
    "25Z\">sub</directory>\n<file mtime=\"2026-12-01T20:38:25Z\" "
    "size=\"214\">customers.csv</file>\n</list>\n";
/* python3.11 -m http.server (captured) */
static const char python_html[] =
    "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>Directory listing for /</title>\n</head>\n<body>\n<h1>Directory "
    "listing for /</h1>\n<hr>\n<ul>\n<li><a href=\"customers.csv\">customers"
    ".csv</a></li>\n<li><a href=\"flyer.txt\">flyer.txt</a></li>\n<li><a "
    "href=\"sub/\">sub/</a></li>\n</ul>\n<hr>\n</body>\n</html>\n";
/* Apache 2.4 mod_autoindex with FancyIndexing (emit_head, output_directories)
 */
static const char apache_html[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n "
    "<head>\n  <title>Index of /files</title>\n </head>\n <body>\n<h1>Index "
    "of /files</h1>\n<pre><img src=\"/icons/blank.gif\" alt=\"Icon \"> <a "
    "href=\"?C=N;O=D\">Name</a>                    <a href=\"?C=M;O=A\">Last "
    "modified</a>      <a href=\"?C=S;O=A\">Size</a>  <hr><img "
    "src=\"/icons/back.gif\" alt=\"[PARENTDIR]\"> <a href=\"/\">Parent "
    "Directory</a>                             -   \n<img "
    "src=\"/icons/text.gif\" alt=\"[TXT]\"> <a href=\"customers.csv\">customers"
    ".csv</a>  2024-05-01 09:00  214   \n<hr></pre>\n<address>Apache/2.4.57 "
    "(Debian) Server at 127.0.0.1 Port 80</address>\n</body></html>\n";
/* IIS 7+ directory browsing (as w3af's signatures and the docs show it) */
static const char iis_html[] =
    "<html><head><title>127.0.0.1 - /files/</title></head><body><H1>127.0.0."
    "1 - /files/</H1><hr>\r\n\r\n<pre><A HREF=\"/\">[To Parent Directory]</A>"
    "<br><br>  Wednesday, May 1, 2024  9:00 AM        &lt;dir&gt; <A "
    "HREF=\"/files/sub/\">sub</A><br>  Wednesday, May 1, 2024  9:00 AM      "
    "   214 <A HREF=\"/files/customers.csv\">customers.csv</A><br></pre><hr>"
    "</body></html>";
/* S3 ListObjectsV2 (AWS API reference) */
static const char s3_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>"
    "<Prefix/><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>"
    "true</IsTruncated><Contents><Key>a&amp;b.csv</Key><Size>214</Size>"
    "</Contents><Contents><Key>dir/x.txt</Key><Size>5</Size></Contents>"
    "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"
    "</ListBucketResult>";
/* Azure List Blobs (REST reference) */
static const char azure_xml[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults "
    "ServiceEndpoint=\"https://a.blob.core.windows.net/\" "
    "ContainerName=\"campaign\"><Blobs><Blob><Name>customers.csv</Name>"
    "<Properties><Content-Length>214</Content-Length></Properties></Blob>"
    "<BlobPrefix><Name>old/</Name></BlobPrefix></Blobs><NextMarker />"
    "</EnumerationResults>";

static lg_listing parse(const char *body, lg_listing_server want)
{
	lg_listing l;
	assert_int_equal(lg_listing_recognise(body, strlen(body)), want);
	assert_int_equal(lg_listing_parse(body, strlen(body), 100, &l), LG_OK);
	assert_int_equal(l.server, want);
	return l;
}

static void listings_from_their_servers(void **state)
{
	(void)state;
	lg_listing l = parse(nginx_html, LG_LISTING_NGINX);
	assert_int_equal(l.n, 3); /* ../ dropped */
	assert_string_equal(l.entries[0].href, "sub/");
	assert_true(l.entries[0].dir);
	assert_string_equal(l.entries[2].href, "a%20b.txt");
	lg_listing_free(&l);
	l = parse(nginx_json, LG_LISTING_NGINX_JSON);
	assert_int_equal(l.n, 2);
	assert_true(l.entries[0].dir);
	assert_int_equal(l.entries[1].size, 214);
	lg_listing_free(&l);
	l = parse(nginx_xml, LG_LISTING_NGINX_XML);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.entries[1].href, "customers.csv");
	assert_int_equal(l.entries[1].size, 214);
	lg_listing_free(&l);
	l = parse(python_html, LG_LISTING_PYTHON);
	assert_int_equal(l.n, 3);
	lg_listing_free(&l);
	l = parse(apache_html, LG_LISTING_APACHE);
	assert_int_equal(l.n, 2); /* sort links dropped; "/" kept for probe */
	assert_string_equal(l.entries[1].href, "customers.csv");
	lg_listing_free(&l);
	l = parse(iis_html, LG_LISTING_IIS);
	assert_int_equal(l.n, 3);
	lg_listing_free(&l);
	l = parse(s3_xml, LG_LISTING_S3);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.entries[0].href, "a&b.csv");
	assert_true(l.entries[2].dir);
	assert_true(l.truncated);
	assert_string_equal(l.base, "bucket");
	lg_listing_free(&l);
	l = parse(azure_xml, LG_LISTING_AZURE);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.base, "campaign");
	assert_int_equal(l.entries[0].size, 214);
	assert_true(l.entries[1].dir);
	lg_listing_free(&l);
}

/* one mark is not a listing: a page titled "Index of" (a blog post), a
 * JSON array of something else, an XML document */
static void one_mark_is_not_a_listing(void **state)
{
	(void)state;
	static const char *const pages[] = {
	    "<html><title>Index of products</title><p>hello</p></html>",
	    "<h1>Directory listing for /</h1>",
	    "[{\"name\":\"x\"}]",
	    "<?xml version=\"1.0\"?><ListBucketResult></ListBucketResult>",
	    "",
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++)
		assert_int_equal(
		    lg_listing_recognise(pages[i], strlen(pages[i])),
		    LG_LISTING_NONE);
	lg_listing l;
	assert_int_equal(
	    lg_listing_parse(nginx_html, strlen(nginx_html), 1, &l), LG_OK);
	assert_int_equal(l.n, 1);
	assert_true(l.truncated);
	lg_listing_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_provider_shape),
	    cmocka_unit_test(sas_flags_and_bad_urls),
	    cmocka_unit_test(durations_times_and_redaction),
	    cmocka_unit_test(listings_from_their_servers),
	    cmocka_unit_test(one_mark_is_not_a_listing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
