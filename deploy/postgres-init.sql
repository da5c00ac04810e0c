-- Run once by the postgres image when its volume is first created (docker-compose.yml):
-- conversations (tracker store) and enquiries live in separate databases, so each has its
-- own backups and retention.
CREATE DATABASE enquiries OWNER assistant;
