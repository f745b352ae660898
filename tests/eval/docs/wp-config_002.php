<?php
/** WordPress の基本設定 */
define( 'DB_NAME', 'wp_shop' );
define( 'DB_USER', 'wp_user' );
define( 'DB_PASSWORD', 'po&0k16GqN1etbPY' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'SHOP_API_KEY', '8397cff0-145c-a2f2-fcef-58cc498044d9' );
$table_prefix = 'wp_';
