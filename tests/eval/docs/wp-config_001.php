<?php
/** WordPress の基本設定 */
define( 'DB_NAME', 'wp_shop' );
define( 'DB_USER', 'wp_user' );
define( 'DB_PASSWORD', 'iE180bSTU9ur' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'SHOP_API_KEY', 'c810d4d1-093d-5c9c-bb8d-bf56fa03cd1f' );
$table_prefix = 'wp_';
