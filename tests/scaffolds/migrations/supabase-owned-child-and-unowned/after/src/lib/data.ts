import { supabase } from "./supabase";

export const customersByEmail = (email: string) => supabase.from("customers").select("*").eq("email", email);
export const dealsInStage = (stage: string) => supabase.from("deals").select("*").eq("stage", stage).limit(50);
export const invoices = () => supabase.from("invoices").select("*").limit(20);
