/* cmd_audit_link.c: `leakguard audit link` (not built yet). */
#include "cli.h"

int cmd_audit_link(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(_("audit link is not built yet"));
	return 2;
}
