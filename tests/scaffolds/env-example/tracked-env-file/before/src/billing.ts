import "dotenv/config";

export const stripeKey = process.env.STRIPE_SECRET_KEY;
