/**
 * GMimeFilterOpenPGPMarker:
 * @BEGIN: The "-----BEGIN PGP PRIVATE KEY BLOCK-----" marker was found.
 * @END: The "-----END PGP PRIVATE KEY BLOCK-----" marker was found.
 **/
