require('dotenv/config');
module.exports = process.env.DATABASE_URL;
