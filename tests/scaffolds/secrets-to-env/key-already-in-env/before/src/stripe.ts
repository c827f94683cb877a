import 'dotenv/config'
import Stripe from 'stripe'

export const stripe = new Stripe('sk_live_51NfakeFAKEfake0000000000000000000000')
