import { supabase } from "./lib/supabase";

export async function titles() {
  const { data } = await supabase.from("posts").select("title").limit(10);
  return data;
}
