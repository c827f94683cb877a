export default function App() {
  return <h1>Board</h1>;
}
