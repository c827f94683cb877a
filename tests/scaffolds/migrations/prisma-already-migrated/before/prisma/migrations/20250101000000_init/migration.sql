-- CreateTable
CREATE TABLE "users" ("id" UUID NOT NULL);
