import 'dotenv/config'
import Stripe from 'stripe'

// Stops the app at start-up, rather than at first use, when a setting is missing.
function requiredEnv(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set: add it to .env (see .env.example)`)
  return value
}

const STRIPE_SECRET_KEY = requiredEnv('STRIPE_SECRET_KEY', process.env.STRIPE_SECRET_KEY)

export const stripe = new Stripe(STRIPE_SECRET_KEY)
