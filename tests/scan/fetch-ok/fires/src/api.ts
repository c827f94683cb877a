export async function weather(city: string) {
  const res = await fetch(`/api/weather?city=${city}`);
  return res.json();
}
