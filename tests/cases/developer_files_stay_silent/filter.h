/**
 * GMimeFilterOpenPGPMarker:
 * @PRIVATE_KEY_BLOCK_BEGIN: The "-----BEGIN PGP PRIVATE KEY BLOCK-----" marker has been found.
 * @PRIVATE_KEY_BLOCK_END: The "-----END PGP PRIVATE KEY BLOCK-----" marker has been found.
 **/
