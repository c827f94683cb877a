require('dotenv/config');
const Stripe = require('stripe');
module.exports = new Stripe('sk_live_51NfakeFAKEfake0000000000000000000000');
