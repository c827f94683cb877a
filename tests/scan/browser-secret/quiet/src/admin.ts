import { supabase } from "./lib/supabase";

export const admin = supabase;
