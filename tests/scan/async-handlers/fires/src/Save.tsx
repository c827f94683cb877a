export function Save() {
  const handleSave = async () => {
    await fetch("/api/save", { method: "POST" });
  };
  return <button onClick={handleSave}>Save</button>;
}
