/* cmd_audit_nginx.c: `leakguard audit nginx` (not built yet). */
#include "cli.h"

int cmd_audit_nginx(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(_("audit nginx is not built yet"));
	return 2;
}
