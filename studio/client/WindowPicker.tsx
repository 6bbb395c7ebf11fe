/** The windows the studio counts in (studio/windows.ts answers the same names). */
const WINDOWS = [
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
  ['30d', 'last 30 days'],
  ['all', 'all time'],
] as const;

export function WindowPicker({ value, onChange }: { value: string; onChange: (window: string) => void }) {
  return (
    <label>
      counted over{' '}
      <select id="window" value={value} onChange={(e) => onChange(e.target.value)}>
        {WINDOWS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
