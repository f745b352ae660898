/* cmd_audit_cache.c: `leakguard audit cache` (not built yet). */
#include "cli.h"

int cmd_audit_cache(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(_("audit cache is not built yet"));
	return 2;
}
