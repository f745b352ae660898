
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE TABLE public.members (
    member_id integer NOT NULL,
    shimei text NOT NULL,
    furigana text,
    mail text,
    birth_date date
);

COPY public.members (member_id, "氏名", "フリガナ", mail, birth_date) FROM stdin;
101	山本 彩	ヤマモト アヤ	aya.y@icloud.com	1995-07-14
102	中村 大輔	\N	d.nakamura@nifty.com	\N
103	C:\\Users\\x	\N	\N	\N
\.

INSERT INTO public.members VALUES (104, '小林 誠', 'コバヤシ マコト', 'makoto.k@gmail.com', '1988-02-29');
