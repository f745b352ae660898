<?php
/** WordPress の基本設定 */
define( 'DB_NAME', 'wp_shop' );
define( 'DB_USER', 'wp_user' );
define( 'DB_PASSWORD', 'natsu_lucky06' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'SHOP_API_KEY', '20e87b513d6b79f16288b37b36740482' );
$table_prefix = 'wp_';
