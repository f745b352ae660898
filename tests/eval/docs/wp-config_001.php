<?php
/** WordPress の基本設定 */
define( 'DB_NAME', 'wp_shop' );
define( 'DB_USER', 'wp_user' );
define( 'DB_PASSWORD', 'Hjyynu299$' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'SHOP_API_KEY', 'PNy1asXpX31iImJ9UvMQzahusdyR1jHU' );
$table_prefix = 'wp_';
