import { supabase } from "./lib/supabase";

export const notes = () => supabase.from("notes").select("*").limit(5);
