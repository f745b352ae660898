-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version	8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;

--
-- Table structure for table `customers`
--

DROP TABLE IF EXISTS `customers`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `customers` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(64) NOT NULL COMMENT '氏名',
  `name_kana` varchar(64) DEFAULT NULL,
  `email` varchar(255) NOT NULL,
  `tel` varchar(20) DEFAULT NULL,
  `zip` char(8) DEFAULT NULL,
  `address` varchar(255) DEFAULT NULL,
  `birthday` date DEFAULT NULL,
  `memo` text,
  `password_hash` char(60) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `email` (`email`)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4;

LOCK TABLES `customers` WRITE;
/*!40000 ALTER TABLE `customers` DISABLE KEYS */;
INSERT INTO `customers` VALUES (1,'佐藤 健一','サトウ ケンイチ','k.sato@gmail.com','090-1111-2222','150-0001','東京都渋谷区神宮前1-2-3','1980-05-06','再配達希望\n午前中','$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXy'),(2,'鈴木 美咲','スズキ ミサキ','misaki.s@yahoo.co.jp','080-3333-4444','530-0001','大阪府大阪市北区梅田2-4-9','1992-11-23',NULL,NULL),(3,'O\'Brien Kate',NULL,'kate.ob@outlook.com',NULL,NULL,NULL,NULL,'It\'s a gift; \"wrap\" it',NULL);
/*!40000 ALTER TABLE `customers` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `orders`
--

CREATE TABLE `orders` (
  `order_no` varchar(16) NOT NULL,
  `customer_id` int NOT NULL,
  `card_number` varchar(19) DEFAULT NULL,
  `security_code` varchar(4) DEFAULT NULL,
  PRIMARY KEY (`order_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `orders` VALUES ('A2024061500012',1,'4111111111111111','123'),('A2024061500013',2,NULL,NULL);
INSERT INTO customers (name, email, tel, birthday) VALUES ('高橋 直樹', 'naoki.t@outlook.jp', '070-5555-6666', '1975-01-30');
UPDATE `customers` SET `email`='new.sato@gmail.com' WHERE `id`=1;
