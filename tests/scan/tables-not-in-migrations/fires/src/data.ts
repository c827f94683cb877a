import { supabase } from "./lib/supabase";

export const ghosts = () => supabase.from("ghosts").select("*").limit(5);
