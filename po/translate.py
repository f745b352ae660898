#!/usr/bin/env python3
"""translate.py: keeps po/ja.po in step with the sources.

Extracts the messages with xgettext and writes ja.po from the Japanese
translations below; a message without one makes the run fail, so a new
English message cannot ship untranslated. Run: python3 po/translate.py
"""
import os
import subprocess
import sys

JA = {
    "a file over 64 MB read as a table: read up to there": "表として読む 64 MB を超えるファイル: そこまで読みました",
    "an SQL statement over 64 MB was read in part": "64 MB を超える SQL 文を途中まで読みました",
    "an SQL statement could not be read to its end, from byte %llu": "%llu バイト目からの SQL 文を最後まで読めませんでした",
    "%llu line(s) not in the file's encoding read as %s, first at byte %llu": "ファイルの文字コードと異なる %llu 行を %s として読みました（最初は %llu バイト目）",
    "a sheet over 256 MB of text: read up to there": "256 MB を超えるシートです（そこまで読みました）",
    "an unreadable archive or member": "読み取れないアーカイブまたはメンバーです",
    "skipped: an archive, PDF or mail over 256 MB on standard input (give it as a file)": "スキップ：標準入力の 256 MB を超えるアーカイブ・PDF・メールです（ファイルとして渡してください）",
    # ---- audit
    "fetch pages as each identity and prove personal pages stay out of shared caches": "各 ID でページを取得し、個人ページが共有キャッシュに入らないことを確かめる",
    "check an nginx configuration (with its includes) for caching and listing of personal pages": "nginx の設定（include 先を含む）で個人ページのキャッシュや一覧表示がないか調べる",
    "check that share links are single files that expire, and what a reachable link exposes": "共有リンクが期限付きの単一ファイルか、開けるリンクが何を公開しているかを調べる",
    "usage: leakguard audit <check> [options] ...": "使い方: leakguard audit <検査> [オプション] ...",
    "Checks to run before a change or an ad ships. Each failed check says what leaks, why, and the fix.": "変更や広告を公開する前に行う検査です。不合格の検査ごとに、何が漏れるか、その理由と対処を示します。",
    "Checks:": "検査:",
    "Run 'leakguard audit <check> --help' for its options.": "各検査のオプションは 'leakguard audit <検査> --help' で表示します。",
    "Exit status: 0 no check failed at or above --fail-on, 1 one did, 2 error.": "終了ステータス: 0 --fail-on 以上の不合格なし、1 あり、2 エラー。",
    "unknown check '%s' (cache, nginx or link)": "不明な検査 '%s' です（cache、nginx、link のいずれか）",
    "--format takes text, json or jsonl, not '%s'": "--format には text、json、jsonl を指定します（'%s' は使えません）",
    "%llu target(s) checked: %llu critical, %llu high, %llu medium, %llu low, %llu informational\n": "%llu 件を検査: 緊急 %llu、高 %llu、中 %llu、低 %llu、情報 %llu\n",
    "no check failed": "不合格の検査はありません",
    "cannot write the output": "出力を書き込めません",
    "check caches, nginx configurations and share links before they ship": "公開前にキャッシュ・nginx 設定・共有リンクを検査する",
    " (as %s)": "（%s として）",
    "output format: text (default), json, jsonl": "出力形式: text（既定）、json、jsonl",
    "exit 1 only for failed checks at LEVEL or above: low (default), medium, high, critical, or none": "LEVEL 以上の不合格があるときだけ終了コード 1：low（既定）、medium、high、critical、または none",
    "why:": "理由:",
    "fix:": "対処:",
    # ---- audit nginx
    "Reads an nginx configuration with its includes (relative to its folder, as nginx does) and reports, with file and line, why each finding leaks and the fix: caches on private paths that do not bypass the session cookie or Authorization, cached Set-Cookie, ignored Cache-Control, Expires or Vary, cache keys without the session, Cache-Control public on private paths, POST caching, FastCGI caches without a key, autoindex. Private paths come from --private-path or the site configuration; without either: /mypage, /member, /account, /cart, /checkout, /order, /api/me, /user, /profile.": "nginx 設定をインクルード先（nginx と同じくそのフォルダ基準）まで読み、漏えいにつながる箇所をファイルと行、理由と対処つきで報告します: セッション Cookie や Authorization でバイパスしない個人ページのキャッシュ、キャッシュされる Set-Cookie、無視される Cache-Control・Expires・Vary、セッションを含まないキャッシュキー、個人ページの Cache-Control public、POST のキャッシュ、キーのない FastCGI キャッシュ、autoindex。個人ページのパスは --private-path かサイト設定から取ります。どちらもなければ /mypage、/member、/account、/cart、/checkout、/order、/api/me、/user、/profile です。",
    "the site configuration that logs reads (site.yaml): its private_paths and session_cookie": "logs が読むサイト設定（site.yaml）: その private_paths と session_cookie を使う",
    "a path prefix whose pages show one user's data (repeatable; added to the site configuration's)": "利用者本人のデータを表示するページのパス接頭辞（複数指定可。サイト設定のものに追加）",
    "%s: include not found; what it holds is not checked": "%s: インクルード先が見つかりません。その中身は検査していません",
    "--private-path takes a path starting with /, not '%s'": "--private-path には / で始まるパスを指定してください（'%s' は不可）",
    "Try 'leakguard audit nginx --help'.\n": "'leakguard audit nginx --help' を参照してください。\n",
    "audit nginx needs an nginx configuration FILE": "audit nginx には nginx 設定ファイル（FILE）が必要です",
    "The cache stores responses that set a cookie, and the Set-Cookie header is not hidden: the first visitor's session cookie is handed to every later visitor, who is then logged in as them (NGX-01).": "Cookie を設定する応答がキャッシュされ、Set-Cookie ヘッダーも隠されていません。最初の訪問者のセッション Cookie が後の訪問者全員に渡り、その人としてログインした状態になります（NGX-01）。",
    "Add proxy_hide_header Set-Cookie (fastcgi_hide_header, uwsgi_hide_header, scgi_hide_header for those modules) in the same block, or remove Set-Cookie from the ignored headers.": "同じブロックに proxy_hide_header Set-Cookie（各モジュールでは fastcgi_hide_header、uwsgi_hide_header、scgi_hide_header）を追加するか、無視するヘッダーから Set-Cookie を外してください。",
    "Cache-Control from the application is ignored: pages it marks private or no-store are cached and served to other visitors (NGX-02).": "アプリケーションの Cache-Control が無視されます。private や no-store を付けたページもキャッシュされ、他の訪問者に返されます（NGX-02）。",
    "Remove Cache-Control (and Expires) from the ignored headers, at least for private paths, so the application's private and no-store are obeyed.": "少なくとも個人ページでは、無視するヘッダーから Cache-Control（と Expires）を外し、アプリケーションの private と no-store に従わせてください。",
    "Expires or X-Accel-Expires from the application is ignored: an application that stops caching with them (X-Accel-Expires: 0) is overruled.": "アプリケーションの Expires または X-Accel-Expires が無視されます。これでキャッシュを止めているアプリケーション（X-Accel-Expires: 0）の指示が効きません。",
    "Remove Expires and X-Accel-Expires from the ignored headers.": "無視するヘッダーから Expires と X-Accel-Expires を外してください。",
    "Vary is ignored: responses the application varies by cookie or language, and Vary: *, are cached as one (NGX-05).": "Vary が無視されます。アプリケーションが Cookie や言語で出し分ける応答や Vary: * の応答が、一つにまとめてキャッシュされます（NGX-05）。",
    "Remove Vary from the ignored headers.": "無視するヘッダーから Vary を外してください。",
    "A private path is cached, and neither proxy_no_cache with proxy_cache_bypass nor the cache key depends on the session cookie or Authorization: nginx ignores both, so one user's page is stored and served to the next (NGX-03).": "個人ページがキャッシュされ、proxy_no_cache と proxy_cache_bypass もキャッシュキーもセッション Cookie や Authorization を見ていません。nginx はこれらを無視するため、ある利用者のページが保存され次の利用者に返されます（NGX-03）。",
    "Turn the cache off on private paths (proxy_cache off), or add proxy_no_cache and proxy_cache_bypass with the session cookie and $http_authorization (e.g. proxy_no_cache $cookie_sid $http_authorization; and the same for proxy_cache_bypass).": "個人ページではキャッシュを止める（proxy_cache off）か、セッション Cookie と $http_authorization を使う proxy_no_cache と proxy_cache_bypass を追加してください（例: proxy_no_cache $cookie_sid $http_authorization; proxy_cache_bypass も同様）。",
    "The cache key of a private path has no session cookie or Authorization in it: every user's request for the page maps to the same cached copy.": "個人ページのキャッシュキーにセッション Cookie も Authorization も含まれていません。どの利用者の要求も同じキャッシュに当たります。",
    "Bypass the cache for logged-in requests (proxy_no_cache and proxy_cache_bypass with the session cookie), or do not cache private paths.": "ログイン中の要求はキャッシュを通さない（セッション Cookie を使う proxy_no_cache と proxy_cache_bypass）か、個人ページをキャッシュしないでください。",
    "proxy_cache_valid caches responses that carry no caching headers, on a private path: a personal page the application did not mark private is stored for that time (NGX-04).": "個人ページで proxy_cache_valid がキャッシュ用ヘッダーのない応答までキャッシュします。アプリケーションが private を付け忘れた個人ページがその時間保存されます（NGX-04）。",
    "Remove proxy_cache_valid from private paths, or bypass the cache there for logged-in requests.": "個人ページから proxy_cache_valid を外すか、そこではログイン中の要求をキャッシュに通さないでください。",
    "POST responses are cached: the answer to one user's form (an order, a profile change) can be served to another (NGX-06).": "POST の応答がキャッシュされます。ある利用者のフォーム送信（注文、登録内容の変更）への応答が別の利用者に返されることがあります（NGX-06）。",
    "Cache GET and HEAD only: remove POST from proxy_cache_methods.": "キャッシュは GET と HEAD だけにし、proxy_cache_methods から POST を外してください。",
    "fastcgi_cache, uwsgi_cache and scgi_cache have no default key: without one, or without $request_method and $host in it, different pages, methods or sites share a cached copy (NGX-07).": "fastcgi_cache、uwsgi_cache、scgi_cache には既定のキーがありません。キーがない、または $request_method と $host を含まないと、別のページ・メソッド・サイトが同じキャッシュを共有します（NGX-07）。",
    "Set a key such as fastcgi_cache_key \"$scheme$request_method$host$request_uri\" where the cache is turned on.": "キャッシュを有効にしている場所で fastcgi_cache_key \"$scheme$request_method$host$request_uri\" のようにキーを設定してください。",
    "add_header sends Cache-Control public or s-maxage on a private path: every shared cache and CDN on the way may store the page and serve it to others, even for requests with Authorization.": "個人ページで add_header が Cache-Control の public または s-maxage を送っています。途中の共有キャッシュや CDN は、Authorization 付きの要求でもページを保存して他人に返せます。",
    "Send Cache-Control: private, no-store on private paths, and remove public and s-maxage there.": "個人ページでは Cache-Control: private, no-store を送り、public と s-maxage を外してください。",
    "autoindex on lists the files of a folder to anyone who asks: exports, backups and uploads left there can be found and downloaded.": "autoindex on は誰にでもフォルダのファイル一覧を見せます。置きっぱなしのエクスポート、バックアップ、アップロードが見つかりダウンロードされます。",
    "Turn it off (autoindex off, the default) and serve only the files meant to be public.": "無効にし（既定の autoindex off）、公開するつもりのファイルだけを配信してください。",
    # ---- scan: pdf
    "encrypted PDF: not read": "暗号化された PDF のため読み取れません",
    "not a readable PDF": "読み取れない PDF です",
    "PDF not read: cannot load %s": "PDF を読めません：%s を読み込めません",
    "skipped: a PDF over 256 MB": "スキップ：256 MB を超える PDF です",
    "archive not read: cannot load %s": "アーカイブを読めません：%s を読み込めません",
    "mail read as plain text: cannot load %s": "メールをテキストとして読みました：%s を読み込めません",
    # ---- audit link
    "judge by the URL's shape alone; fetch nothing": "URL の形だけで判定し、何も取得しない",
    'longest a signed link may still be valid: 30m, 12h, 7d (default)': "署名付きリンクが有効であってよい最長の期間：30m、12h、7d（既定）",
    'judge expiry as at this UTC time (ISO 8601), not the clock': "期限を時計ではなくこの UTC 時刻（ISO 8601）で判定する",
    'files of a listing fetched and scanned (default 100)': "一覧から取得して検査するファイル数（既定 100）",
    'bytes fetched per link in all: 64M (default), 1G, 500k': "リンクごとに取得するバイト数の合計：64M（既定）、1G、500k",
    "--max-expiry takes a duration such as 30m, 12h or 7d, not '%s'": "--max-expiry には 30m、12h、7d のような期間を指定してください（'%s' は不可）",
    "--now takes an ISO 8601 UTC time such as 2024-05-01T09:00:00Z, not '%s'": "--now には 2024-05-01T09:00:00Z のような ISO 8601 の UTC 時刻を指定してください（'%s' は不可）",
    "--max-files takes a number from 1 to 1000000, not '%s'": "--max-files には 1 から 1000000 の数を指定してください（'%s' は不可）",
    "--max-bytes takes a size such as 64M, not '%s'": "--max-bytes には 64M のようなサイズを指定してください（'%s' は不可）",
    '%s: not an http(s) URL': "%s: http(s) の URL ではありません",
    '%s: cannot fetch: %s': "%s: 取得できません: %s",
    "Checks that share links are single files that expire within the policy (Google Drive, Dropbox, SharePoint, OneDrive, Box, S3, GCS, Azure Blob) and, unless --offline, fetches each link signed out: a directory listing is walked and its files scanned for personal data. '-' reads URLs from standard input, one a line.": "共有リンクが単一のファイルで、方針の期間内に失効することを検査します（Google Drive、Dropbox、SharePoint、OneDrive、Box、S3、GCS、Azure Blob）。--offline でなければ各リンクをサインインせずに取得し、ディレクトリ一覧ならたどってファイルの個人データを検査します。'-' を指定すると標準入力から 1 行に 1 つずつ URL を読みます。",
    'audit link needs at least one URL': "audit link には URL を 1 つ以上指定してください",
    'A folder link shares every file in the folder, including files added to it later, not just the one meant to be shared.': "フォルダーのリンクは、共有するつもりの 1 つだけでなく、後から追加されるものも含めてフォルダー内のすべてのファイルを共有します。",
    'Share the single file (a file link), or copy the file to its own folder made for this link.': "そのファイルだけを共有する（ファイルのリンク）か、このリンク専用のフォルダーにファイルをコピーしてください。",
    'The URL asks the store for a list of its objects: anyone holding it can enumerate and fetch every file there.': "この URL はストレージにオブジェクトの一覧を求めます。URL を持つ人は誰でもそこにあるすべてのファイルを列挙して取得できます。",
    "Link to the one object; turn off public listing (S3 Block Public Access, Azure container access 'private') and sign object URLs instead.": "1 つのオブジェクトにリンクし、公開一覧を無効にして（S3 ブロックパブリックアクセス、Azure のコンテナーアクセスを 'private' に）、代わりにオブジェクトの URL に署名してください。",
    "The URL's shape does not say whether it shares one file or a whole folder; that cannot be told offline.": "URL の形からは 1 つのファイルかフォルダー全体かがわからず、オフラインでは判定できません。",
    "Open the link signed out (or run without --offline) and check it shows one file; prefer the provider's file link shape.": "サインアウトした状態でリンクを開き（または --offline なしで実行し）、1 つのファイルだけが表示されることを確かめてください。サービスのファイル用リンクの形を使ってください。",
    'The link never expires and is not limited to one file: it keeps working for anyone who has it, long after the campaign.': "このリンクは失効せず、1 つのファイルに限られません。キャンペーンが終わった後も、リンクを持つ誰にでも使えます。",
    'The link never expires: it keeps working for anyone who has it, long after the campaign.': "このリンクは失効しません。キャンペーンが終わった後も、リンクを持つ誰にでも使えます。",
    "Set an expiry on the share (or use a signed URL of at most the policy's lifetime) and restrict it to the people who need it.": "共有に有効期限を設定し（または方針の期間以内の署名付き URL を使い）、必要な人だけに制限してください。",
    'The signed URL does not carry its expiry, so how long it works cannot be checked here (an Azure stored access policy can be extended or never end).': "署名付き URL に有効期限が含まれていないため、いつまで使えるかをここでは確かめられません（Azure の保存されたアクセスポリシーは延長でき、無期限にもできます）。",
    "Sign with an explicit expiry (se=, X-Amz-Expires) within the policy, or check the stored access policy's expiry.": "方針の期間内で有効期限を明示して（se=、X-Amz-Expires）署名するか、保存されたアクセスポリシーの期限を確認してください。",
    'The signed link has expired: whoever gets it now sees an error, not the file.': "署名付きリンクは失効しています。今開いた人にはファイルではなくエラーが表示されます。",
    'Sign a new link, valid only as long as needed.': "必要な期間だけ有効な新しいリンクに署名してください。",
    'The signed link stays valid longer than the policy allows; a presigned URL works for anyone, any number of times, until it expires.': "署名付きリンクの有効期間が方針より長すぎます。署名付き URL は失効するまで誰でも何度でも使えます。",
    'Sign it again with an expiry within --max-expiry.': "--max-expiry 以内の有効期限で署名し直してください。",
    'The link lets whoever holds it change or delete the files, not only read them.': "このリンクを持つ人は、ファイルを読むだけでなく変更や削除もできます。",
    'Sign a read-only SAS (sp=r) for sharing.': "共有には読み取り専用の SAS（sp=r）に署名してください。",
    'The link opens a directory listing: anyone who has it can see and download every file listed, and the files put there later.': "このリンクはディレクトリ一覧を開きます。リンクを持つ人は誰でも、一覧のすべてのファイルと後から置かれるファイルを見てダウンロードできます。",
    'Turn the listing off (autoindex off, Options -Indexes, S3 Block Public Access), link to single files, and move the personal data out of the public folder.': "一覧を無効にし（autoindex off、Options -Indexes、S3 ブロックパブリックアクセス）、単一のファイルにリンクし、個人データを公開フォルダーから移してください。",
    'The linked file itself holds personal data, readable by anyone who gets the link.': "リンク先のファイル自体に個人データが含まれ、リンクを得た誰でも読めます。",
    'Do not share this file by link: remove the personal data, or send it through a channel limited to its recipients.': "このファイルをリンクで共有しないでください。個人データを取り除くか、受け取る人に限られた経路で送ってください。",
    'Signed out, the link asks to sign in: only people with access can open it.': "サインアウトした状態ではサインインを求められます。アクセス権のある人だけが開けます。",
    'Nothing to do, if the people the ad or mail goes to are meant to sign in.': "広告やメールの受け手がサインインする前提なら、対処は不要です。",
    'The link does not lead to content now (an error or a page gone); readers will see an error.': "このリンクは現在コンテンツにつながりません（エラー、またはページがありません）。開いた人にはエラーが表示されます。",
    'Check the link is the one meant before it ships.': "公開前に、意図したリンクかどうか確かめてください。",
    # ---- scan: office documents
    "a damaged document part: read up to the damage": "壊れた文書パーツです（壊れた箇所の手前まで読みました）",
    # ---- audit cache
    "fetch as identity NAME with this request header (a Cookie, an Authorization); repeat for more headers or identities; the first identity's page is the one looked for in the others'": "ID NAME としてこのリクエストヘッダー（Cookie、Authorization）を付けて取得する。ヘッダーや ID を増やすには繰り返す。最初の ID のページが、他の ID の応答に含まれていないかを調べる",
    "also probe web cache deception (/page/x.css, /page;x.js, ...) as the first identity, then anonymously": "Web キャッシュ・デセプション（/page/x.css、/page;x.js など）も最初の ID で、続けて匿名で調べる",
    "fetch the URLs as given, without the cache-buster query parameter that keeps the probe away from real users' cache entries": "URL をそのまま取得する（実際の利用者のキャッシュに触れないためのキャッシュバスター用クエリパラメーターを付けない）",
    "give up on a request after SECONDS (default 15)": "1 リクエストを SECONDS 秒で打ち切る（既定 15）",
    "Fetches each URL twice as each identity, then twice anonymously, and reports responses to logged-in requests that a shared cache may store, cache hits on them, replayed Set-Cookie, and - the decisive check - one identity's personal data in what another or the anonymous visitor received. Only probe sites you are authorised to test.": "各 URL を ID ごとに 2 回、続けて匿名で 2 回取得し、共有キャッシュに保存されうるログイン後の応答、そのキャッシュヒット、使い回された Set-Cookie、そして決め手となる検査として、ある ID の個人データが別の ID や匿名の訪問者への応答に含まれていないかを報告します。検査の許可を得たサイトだけを対象にしてください。",
    "--as takes NAME='Header: value' (a name other than 'anonymous'), not '%s'": "--as には NAME='Header: value' を指定します（NAME は 'anonymous' 以外。'%s' は使えません）",
    "at most %d identities": "ID は %d 個までです",
    "--timeout takes seconds (up to 600), not '%s'": "--timeout には秒数（600 まで）を指定します（'%s' は使えません）",
    "Try 'leakguard audit cache --help'.\n": "'leakguard audit cache --help' で使い方を表示します。\n",
    "audit cache needs a URL": "audit cache には URL が必要です",
    "audit cache needs an identity: --as NAME='Cookie: ...'": "audit cache には ID が必要です: --as NAME='Cookie: ...'",
    "a response to a logged-in request came from a cache: what is stored under this URL is one user's page, ready for the next visitor": "ログイン後のリクエストへの応答がキャッシュから返されました。この URL に保存されているのはある利用者のページで、次の訪問者にそのまま返されます",
    "bypass the cache for requests with a session cookie or Authorization (nginx: proxy_no_cache and proxy_cache_bypass on $cookie_SESSION and $http_authorization) and send 'private, no-store'": "セッション Cookie または Authorization 付きのリクエストはキャッシュを通さない（nginx: $cookie_SESSION と $http_authorization に proxy_no_cache と proxy_cache_bypass）うえで、'private, no-store' を返してください",
    "the same session cookie was set for different visitors: a cache stored the response with its Set-Cookie and replays it, so they share one session (one account)": "別々の訪問者に同じセッション Cookie が発行されました。キャッシュが Set-Cookie ごと応答を保存して使い回しているため、全員が一つのセッション（一つのアカウント）を共有します",
    "never cache responses that set a cookie (nginx: remove 'proxy_ignore_headers Set-Cookie', or add 'proxy_hide_header Set-Cookie'), send 'private, no-store' with them, and revoke the sessions handed out": "Cookie を発行する応答は決してキャッシュしない（nginx: 'proxy_ignore_headers Set-Cookie' を外すか 'proxy_hide_header Set-Cookie' を加える）、その応答に 'private, no-store' を付ける、配布されたセッションを無効にする、の三つを行ってください",
    "personal data in one user's page reached another visitor: a shared cache stored the page of the first and serves it to the others (the incident this check exists for)": "ある利用者のページの個人データが別の訪問者に届きました。共有キャッシュが最初の利用者のページを保存し、他の人に返しています（この検査が防ぐための事故そのものです）",
    "turn the cache off for personal pages now and purge it; then bypass it for requests with a session cookie or Authorization and send 'Cache-Control: private, no-store' from the application": "直ちに個人ページのキャッシュを止めて消去し、そのうえでセッション Cookie または Authorization 付きのリクエストはキャッシュを通さず、アプリケーションから 'Cache-Control: private, no-store' を返してください",
    "web cache deception: the page answers under a path that looks like a static file, the cache stores it as one, and anyone who opens the same link gets the user's page": "Web キャッシュ・デセプション: 静的ファイルに見えるパスでもページが返り、キャッシュがそれを静的ファイルとして保存するため、同じリンクを開いた誰もがその利用者のページを受け取ります",
    "make the application answer 404 for unknown paths under personal pages, and cache static files by location (a folder), never by extension alone": "個人ページ配下の未知のパスにはアプリケーションが 404 を返し、静的ファイルは拡張子だけでなく置き場所（フォルダー）でキャッシュ対象を決めてください",
    "the response sets a cookie but may be stored: a shared cache that stores it hands the same cookie (a session) to every later visitor (RFC 9111 section 7.3)": "Cookie を発行する応答が保存されうる状態です。保存した共有キャッシュは、同じ Cookie（セッション）を後の訪問者全員に渡します（RFC 9111 7.3 節）",
    "send 'Cache-Control: private, no-store' with every response that sets a cookie, and never cache Set-Cookie at the proxy (nginx: do not ignore Set-Cookie, or hide it)": "Cookie を発行する応答にはすべて 'Cache-Control: private, no-store' を付け、プロキシでは Set-Cookie をキャッシュしないでください（nginx: Set-Cookie を無視しない、または隠す）",
    "the response to a logged-in request says 'public' or 's-maxage': every shared cache may store it and hand it to other users, even for requests with Authorization (RFC 9111 section 3.5)": "ログイン後のリクエストへの応答に 'public' または 's-maxage' があります。Authorization 付きのリクエストであっても、どの共有キャッシュも保存して他の利用者に返せます（RFC 9111 3.5 節）",
    "send 'Cache-Control: private, no-store' on pages for a logged-in user; keep 'public' and 's-maxage' for pages that are the same for everyone": "ログイン中の利用者向けのページには 'Cache-Control: private, no-store' を付け、'public' と 's-maxage' は全員に同じページだけに使ってください",
    "the response to a logged-in request has neither 'private' nor 'no-store': a shared cache (CDN, proxy) may store it and serve it to other users (RFC 9111 section 3)": "ログイン後のリクエストへの応答に 'private' も 'no-store' もありません。共有キャッシュ（CDN、プロキシ）が保存して他の利用者に返すことがあります（RFC 9111 3 節）",
    "send 'Cache-Control: private, no-store' on pages for a logged-in user, and make the proxy bypass its cache for requests with a session cookie or Authorization": "ログイン中の利用者向けのページには 'Cache-Control: private, no-store' を付け、セッション Cookie または Authorization 付きのリクエストはプロキシのキャッシュを通さないでください",
    "the response to a logged-in request has no explicit freshness and no 'private'/'no-store': a cache may store it for a heuristic time (RFC 9111 section 4.2.2)": "ログイン後のリクエストへの応答に明示的な有効期間も 'private'/'no-store' もありません。キャッシュが経験則で決めた期間保存することがあります（RFC 9111 4.2.2 節）",
    "send 'Cache-Control: private, no-store' on pages for a logged-in user": "ログイン中の利用者向けのページには 'Cache-Control: private, no-store' を付けてください",
    "a storable response with personal data does not vary on Cookie or Authorization: a cache keys it by URL alone, the same for every user": "個人データを含む保存可能な応答が Cookie や Authorization で Vary されていません。キャッシュは URL だけをキーにするため、全利用者に同じものが返ります",
    "make personal pages uncacheable ('private, no-store'); 'Vary: Cookie' alone is not enough (several CDNs ignore it)": "個人ページをキャッシュ不可（'private, no-store'）にしてください。'Vary: Cookie' だけでは不十分です（無視する CDN があります）",
    "a CDN or proxy header gives the response a time to live of its own: the cache that reads it ignores Cache-Control, 'private' included (RFC 9213, Varnish Surrogate-Control, nginx X-Accel-Expires)": "CDN やプロキシ向けのヘッダーが応答に独自の保存期間を与えています。それを読むキャッシュは 'private' を含め Cache-Control を無視します（RFC 9213、Varnish の Surrogate-Control、nginx の X-Accel-Expires）",
    "remove CDN-Cache-Control, Surrogate-Control and X-Accel-Expires from personal pages, or set them to no-store": "個人ページから CDN-Cache-Control、Surrogate-Control、X-Accel-Expires を外すか、no-store にしてください",
    "'must-revalidate' without 'private' lets a shared cache reuse a response to a request with Authorization (RFC 9111 section 3.5)": "'private' なしの 'must-revalidate' は、Authorization 付きリクエストへの応答を共有キャッシュが再利用することを許します（RFC 9111 3.5 節）",
    "add 'private, no-store' to responses for a logged-in user": "ログイン中の利用者への応答に 'private, no-store' を付けてください",
    # ---- scan: mail
    "skipped: a mail part over 256 MB": "スキップ：256 MB を超えるメールのパートです",
    # ---- scan: kinds of binary files
    "PDF not read: PDFs are read when given as files, archive members or mail parts starting with %PDF-": "PDF を読み取れません：PDF は、ファイル・アーカイブのメンバー・メールのパートとして渡され %PDF- で始まるときに読み取ります",
    "legacy Office file (.xls/.doc/.ppt): not read yet": "旧形式の Office ファイル（.xls/.doc/.ppt）：まだ読み取れません",
    "image, sound or video: no text to read, skipped": "画像・音声・動画：読み取る文字がないためスキップしました",
    # ---- scan: people
    "%s: out of memory counting people; the count is low": "%s: 人数を数えるメモリが足りません。人数は少なめに出ます",
    "%llu people in all (counted within each file)\n": "合計 %llu 人（ファイルごとに数えた人数の合計）\n",
    "  = %llu row(s) with personal data, %llu people%s\n": "  = 個人データのある行 %llu 行、%llu 人%s\n",
    " (approximate)": "（概数）",
    # ---- scan: containers
    "its members hold more than 8 GiB": "中身が 8 GiB を超えるため",
    "its members expand more than 100 times its size (a zip bomb?)": "中身が元のサイズの 100 倍を超えて展開されるため（zip 爆弾の疑い）",
    "member name points outside the archive (read, never extracted)": "メンバー名がアーカイブの外を指しています（読み取りのみで、展開はしません）",
    "not a readable archive: %s": "読み取れないアーカイブです: %s",
    "skipped: containers nested deeper than %d": "スキップ：アーカイブの入れ子が %d 段を超えています",
    "encrypted: not read": "暗号化されているため読み取れません",
    "it holds more than 100000 members": "メンバーが 100000 個を超えるため",
    "skipped the rest of the archive: %s": "アーカイブの残りをスキップしました：%s",
    # ---- logs
    "%llu lines did not parse; the first: %s:%llu: %s": "%llu 行を解析できませんでした。最初の行: %s:%llu: %s",
    "also send alerts to SPEC (repeatable): file:PATH, syslog, slack:URL, teams:URL, chatwork:ROOM_ID (token in LEAKGUARD_CHATWORK_TOKEN), webhook:URL; chat sinks get each live alert once, when it opens":
        "アラートを SPEC にも送る（複数指定可）：file:PATH、syslog、slack:URL、teams:URL、chatwork:ROOM_ID（トークンは LEAKGUARD_CHATWORK_TOKEN）、webhook:URL。チャットにはライブのアラートを発生時に 1 回だけ送る",
    "cannot use the sink: %s": "送信先を使えません: %s",
    "open": "継続中",
    "closed": "終了",
    "keep reading the files as they grow and rotate, raising alerts as they happen; positions are kept in the store, so a restart goes on where it stopped (Ctrl-C or SIGTERM to stop)":
        "ファイルの追記とローテーションを追いかけて読み続け、起きたときにアラートを出す。読み取り位置はストアに保存され、再起動しても続きから読む（Ctrl-C か SIGTERM で停止）",
    "with --follow: read a file never seen before from its start (default: from its end, like tail -f)":
        "--follow と併用：初めて見るファイルを先頭から読む（既定：tail -f と同じく末尾から）",
    "the store for --follow (default: $XDG_DATA_HOME/leakguard/leakguard.db)": "--follow が使うストア（既定：$XDG_DATA_HOME/leakguard/leakguard.db）",
    "with --follow: stop after SECONDS without a new line (for scripts)": "--follow と併用：新しい行が SECONDS 秒来なければ終了する（スクリプト用）",
    "--idle-exit takes seconds from 1 to 86400, not '%s'": "--idle-exit には 1〜86400 の秒数を指定してください（'%s' は不可）",
    "syslog lines (postfix) carry no year: take YEAR (default: this year, or last year for dates ahead of today)":
        "syslog の行（postfix）には年がないので YEAR 年とみなす（既定：今年。今日より先の日付なら昨年）",
    "--syslog-year takes a year like 2025, not '%s'": "--syslog-year には 2025 のような年を指定してください（'%s' は不可）",
    "find leak patterns in access, CDN, storage and mail logs": "アクセス・CDN・ストレージ・メールのログから漏えいの兆候を見つける",
    "text (default), json or jsonl": "text（既定）、json、jsonl",
    "read every file as NAME: combined, common, ltsv, json, cloudfront, alb, s3, postfix (default: detected per file); with --nginx-conf, the name of a log_format in it":
        "すべてのファイルを NAME 形式として読む：combined、common、ltsv、json、cloudfront、alb、s3、postfix（既定：ファイルごとに判定）。--nginx-conf と併用時はその中の log_format 名",
    "take the log format from this nginx.conf (its includes too)": "ログ形式をこの nginx.conf（include 先も含む）から読み取る",
    "site configuration (private, shared, login and export paths, internal networks and mail domains, session cookie)":
        "サイト設定（個人ページ・共有・ログイン・エクスポートのパス、社内ネットワークとメールドメイン、セッション Cookie）",
    "also load the rules in this YAML file or folder (repeatable)": "この YAML ファイルまたはフォルダーのルールも読み込む（複数指定可）",
    "do not load the shipped rules": "同梱のルールを読み込まない",
    "report alerts at LEVEL or above: informational, low (default), medium, high, critical":
        "LEVEL 以上のアラートを報告する：informational、low（既定）、medium、high、critical",
    "exit 1 only for alerts at LEVEL or above (default low), or none": "LEVEL 以上のアラートがあるときだけ終了コード 1（既定 low）、または none",
    "hits of one rule and actor this close merge into one alert (default 30m; s, m, h, d)":
        "同じルール・同じ行為者の検知がこの間隔内なら 1 件のアラートにまとめる（既定 30m。s、m、h、d）",
    "groups each correlation keeps in memory (default 100000)": "相関ルールごとにメモリに保持するグループ数（既定 100000）",
    "list the loaded rules and exit": "読み込んだルールを一覧して終了する",
    "no summary": "集計を表示しない",
    "Reads access, CDN, storage and mail logs (plain or .gz, merged in time order) and raises leak patterns: cache-leak, shared-link exposure, enumeration, bulk export, brute force, credential stuffing, probes, SQL injection, path traversal, web shells, mass-recipient mail and mail bursts.":
        "アクセス・CDN・ストレージ・メールのログ（平文または .gz、時刻順に統合）を読み、漏えいの兆候を検知します：キャッシュ漏えい、共有リンクの露出、ID の列挙、大量エクスポート、総当たり、リスト型攻撃、探索、SQL インジェクション、パストラバーサル、Web シェル、大量宛先メール、メールの急増。",
    "unknown format '%s' (text, json, jsonl)": "不明な出力形式 '%s' です（text、json、jsonl）",
    "--fail-on takes low, medium, high, critical or none, not '%s'": "--fail-on には low、medium、high、critical、none のいずれかを指定してください（'%s' は不可）",
    "--min-severity takes informational, low, medium, high or critical, not '%s'": "--min-severity には informational、low、medium、high、critical のいずれかを指定してください（'%s' は不可）",
    "--merge-window takes a duration like 30m, not '%s'": "--merge-window には 30m のような期間を指定してください（'%s' は不可）",
    "--max-groups takes a positive number, not '%s'": "--max-groups には正の数を指定してください（'%s' は不可）",
    "cannot load the shipped rules: %s": "同梱のルールを読み込めません: %s",
    "cannot load rules: %s": "ルールを読み込めません: %s",
    "no rules to run (see --rules)": "実行するルールがありません（--rules を参照）",
    "unknown log format '%s' (combined, common, ltsv, json, cloudfront, alb, s3, postfix; or a log_format name with --nginx-conf)":
        "不明なログ形式 '%s' です（combined、common、ltsv、json、cloudfront、alb、s3、postfix。--nginx-conf 併用時は log_format 名）",
    "cannot load the site configuration: %s": "サイト設定を読み込めません: %s",
    "logs failed: %s": "ログの解析に失敗しました: %s",
    "Try 'leakguard logs --help'.\n": "'leakguard logs --help' を参照してください。\n",
    "logs needs a FILE (or - for standard input)": "logs にはファイル（標準入力は -）を指定してください",
    "informational": "情報",
    "critical": "緊急",
    "count %llu": "件数 %llu",
    ", distinct %llu": "、異なる値 %llu",
    ", sum %.0f": "、合計 %.0f",
    "actor:": "行為者:",
    "user": "ユーザー",
    "session": "セッション",
    "target:": "対象:",
    "group:": "グループ:",
    "evidence:": "根拠:",
    "%llu files (%llu unreadable), %llu lines: %llu events, %llu skipped, %llu unparsed; %.2f s (%.0f lines/s)\n":
        "%llu ファイル（読めないもの %llu）、%llu 行：イベント %llu、対象外 %llu、解析不能 %llu。%.2f 秒（%.0f 行/秒）\n",
    "unparsed:": "解析不能:",
    "events from": "イベントの期間",
    "%llu alerts": "アラート %llu 件",
    "top actors:": "アラートの多い行為者:",
    "first and last alert (medium and above):": "最初と最後のアラート（medium 以上）:",
    "%llu correlation groups were evicted to bound memory; counts near the cap may be low\n":
        "メモリを抑えるため相関グループを %llu 件破棄しました。上限付近の件数は少なめの可能性があります\n",
    "text (default), json, jsonl, csv or sarif": "text（既定）、json、jsonl、csv、sarif",
    "write to FILE (created mode 0600) instead of stdout": "標準出力の代わりに FILE に書く（権限 0600 で作成）",
    "include the unmasked value (masked by default)": "マスクしない値も出力する（既定はマスク）",
    "only these types, comma-separated (see --list-types)": "指定した種類だけを検出する（カンマ区切り、--list-types 参照）",
    "report findings at or above N, 0-1 (default 0.5)": "確信度 N 以上を報告する（0〜1、既定 0.5）",
    "exit 1 only for findings at LEVEL or above: low (default), medium, high, none": "LEVEL 以上の検出があるときだけ終了コード 1：low（既定）、medium、high、none",
    "skip files and folders matching GLOB (repeatable)": "GLOB に一致するファイルとフォルダーを除外する（複数指定可）",
    "follow symbolic links inside folders": "フォルダー内のシンボリックリンクをたどる",
    "skip folders on other file systems (mounted shares, /proc)": "別のファイルシステムのフォルダー（マウントした共有、/proc）をスキップする",
    "scan with N threads (default: number of cores)": "N スレッドで走査する（既定：コア数）",
    "read input as NAME (e.g. CP932, EUC-JP) instead of detecting it": "文字コードを判定せず NAME（例：CP932、EUC-JP）として読む",
    "messages in ja or en (default: the locale)": "メッセージの言語 ja または en（既定：ロケール）",
    "colour text output: auto (default), always, never": "テキスト出力の色：auto（既定）、always、never",
    "no summary and no progress": "集計と進捗を表示しない",
    "list the types leakguard detects and exit": "検出できる種類を一覧して終了する",
    "show this help": "このヘルプを表示する",
    "Finds personal data (My Number, cards, bank accounts, phones, e-mail, addresses' postal codes, birth dates, IDs) and secrets in files, folders and standard input. Values are masked unless --reveal.":
        "ファイル、フォルダー、標準入力から個人情報（マイナンバー、カード番号、口座番号、電話番号、メールアドレス、郵便番号、生年月日、各種番号）と秘密情報を見つけます。値は --reveal を付けない限りマスクされます。",
    "unknown type '%s' (see --list-types)": "不明な種類 '%s' です（--list-types を参照）",
    "unknown format '%s'": "不明な出力形式 '%s' です",
    "--min-confidence takes a number from 0 to 1, not '%s'": "--min-confidence には 0〜1 の数を指定してください（'%s' は不可）",
    "--fail-on takes low, medium, high or none, not '%s'": "--fail-on には low、medium、high、none のいずれかを指定してください（'%s' は不可）",
    "--jobs takes a whole number from 1 to 256, not '%s'": "--jobs には 1〜256 の整数を指定してください（'%s' は不可）",
    "--color takes auto, always or never, not '%s'": "--color には auto、always、never のいずれかを指定してください（'%s' は不可）",
    "leakguard: %s: note: %s\n": "leakguard: %s: 注意: %s\n",
    "leakguard: warning: the SARIF log holds the %d most severe of %llu findings (GitHub code scanning rejects more in a run); the jsonl format has them all\n": "leakguard: 警告: SARIF には %2$llu 件の検出のうち重大度の高い %1$d 件だけを入れました（GitHub の code scanning は 1 回の実行でそれを超える結果を受け付けません）。すべての検出は jsonl 形式で出力できます\n",
    "scanning: %llu files, %.1f MB, %.1f MB/s": "走査中: %llu ファイル、%.1f MB、%.1f MB/秒",
    "cannot build the detectors: %s": "検出器を構築できません: %s",
    "cannot write %s: %s": "%s に書き込めません: %s",
    "scan failed: %s": "走査に失敗しました: %s",
    "cannot write the output: %s": "出力を書き込めません: %s",
    "Try 'leakguard scan --help'.\n": "'leakguard scan --help' を参照してください。\n",
    "scan needs a PATH (or - for standard input)": "scan には PATH（標準入力なら -）が必要です",
    "usage: %s\n": "使い方: %s\n",
    "Options:": "オプション:",
    "find personal data and secrets in files, folders and stdin": "ファイル・フォルダー・標準入力から個人情報と秘密情報を見つける",
    "usage: leakguard [--lang ja|en] <command> [options] [args]": "使い方: leakguard [--lang ja|en] <コマンド> [オプション] [引数]",
    "leakguard keeps personal data from leaking out of an organisation, notices when it does, and says who saw whose data.":
        "leakguard は組織から個人情報が漏れるのを防ぎ、漏れたときにすぐ気づき、誰が誰の情報を見たかを明らかにします。",
    "Commands:": "コマンド:",
    "Run 'leakguard <command> --help' for a command's options.": "各コマンドのオプションは 'leakguard <コマンド> --help' で表示されます。",
    "Exit status: 0 nothing found, 1 found, 2 error.": "終了コード: 0 検出なし、1 検出あり、2 エラー。",
    "unknown option '%s'": "不明なオプション '%s' です",
    "'%s' is not a leakguard command; see 'leakguard --help'": "'%s' は leakguard のコマンドではありません。'leakguard --help' を参照してください",
    "%llu files scanned, %llu skipped, %llu errors; %.1f MB in %.2f s (%.1f MB/s)\n":
        "%llu ファイルを走査、%llu 件スキップ、エラー %llu 件、%.1f MB を %.2f 秒で処理（%.1f MB/秒）\n",
    "%llu findings\n": "検出 %llu 件\n",
    "low": "低",
    "medium": "中",
    "high": "高",
    "%llu invalid UTF-8 byte(s), first at byte %llu": "UTF-8 として不正なバイトが %llu 個あります（最初は %llu バイト目）",
    "%llu undecodable %s sequence(s), first at byte %llu": "%llu 箇所を %s として復号できません（最初は %llu バイト目）",
    "input ends inside a %s character at byte %llu": "%s の文字の途中で入力が終わっています（%llu バイト目）",
    "binary file skipped": "バイナリファイルのためスキップしました",
    "read failed: %s": "読み込みに失敗しました: %s",
    "read failed at byte %llu: %s": "%llu バイト目で読み込みに失敗しました: %s",
    "cannot open: %s": "開けません: %s",
    "cannot read folder: %s": "フォルダーを読めません: %s",
    "cannot access: %s": "アクセスできません: %s",
    "symbolic link skipped (use --follow-symlinks)": "シンボリックリンクをスキップしました（--follow-symlinks でたどります）",
    "on another file system, skipped (--one-file-system)": "別のファイルシステムにあるためスキップしました（--one-file-system）",
    "broken symbolic link: %s": "リンク先のないシンボリックリンクです: %s",
    "not a regular file, skipped": "通常のファイルではないためスキップしました",
    "out of memory": "メモリが足りません",
}


def po_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    srcs = []
    for d in ("src/cli", "src/output", "src/scan", "src/detect", "src/audit"):
        srcs += sorted(os.path.join(d, f) for f in os.listdir(os.path.join(top, d))
                       if f.endswith((".c", ".h")))
    pot = subprocess.run(["xgettext", "--from-code=UTF-8", "-k_", "-kN_", "--omit-header",
                          "--no-location", "-o", "-"] + srcs, cwd=top, check=True,
                         capture_output=True, text=True).stdout
    import re
    ids = []
    for m in re.finditer(r'^msgid ((?:".*"\n)+)msgstr', pot, re.M):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
        s = "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if s:
            ids.append(s)
    missing = [i for i in ids if i not in JA]
    if missing:
        for i in missing:
            print("untranslated: %r" % i, file=sys.stderr)
        return 1
    out = ['msgid ""', 'msgstr ""', '"Project-Id-Version: leakguard\\n"', '"Language: ja\\n"',
           '"MIME-Version: 1.0\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"',
           '"Content-Transfer-Encoding: 8bit\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"', '']
    for i in ids:
        fmt = "#, c-format" if "%" in i else None
        if fmt:
            out.append(fmt)
        out += ["msgid " + po_quote(i), "msgstr " + po_quote(JA[i]), ""]
    with open(os.path.join(top, "po", "ja.po"), "w", encoding="utf-8") as f:
        f.write("# Japanese messages for leakguard. Generated by po/translate.py; edit there.\n")
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
