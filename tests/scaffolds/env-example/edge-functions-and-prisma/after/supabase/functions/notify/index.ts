import { createClient } from "npm:@supabase/supabase-js@2";

Deno.serve(async () => {
  const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
  const key = Deno.env.get("RESEND_API_KEY");
  const { data } = await supabase.from("outbox").select("*").limit(10);
  return Response.json({ sent: data?.length ?? 0, configured: Boolean(key) });
});
