import type { FlowReport } from '../api.ts';
import { amount, rate, signed, when } from './format.ts';

/** Goals, experiments and last-touch credits: the same tables as `flows report`. */
export function GoalsSection({ report }: { report: FlowReport }) {
  return (
    <section className="goals" id="goals" aria-labelledby="goals-title">
      <h2 id="goals-title">Goals and experiments</h2>
      <p className="muted">this version, in the window; a conversion counts once per run, within the goal&apos;s window from entry</p>
      <table id="goals-table">
        <thead>
          <tr>
            <th>Goal</th>
            <th>Entered</th>
            <th>Converted</th>
            <th>Rate</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {report.goals.map((g) => (
            <tr key={g.goal} data-goal={g.goal}>
              <td>
                {g.goal}
                {g.primary ? <span className="muted"> primary</span> : null}
              </td>
              <td className="n">{g.entered}</td>
              <td className="n">{g.converted}</td>
              <td className="n">{rate(g.rate)}</td>
              <td className="n">{amount(g.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.experiments.map((e) => (
        <div className="experiment" data-split={e.step} key={e.step}>
          <h3>
            Split {e.title}
            <span className="muted">
              {' '}
              · goal {e.goal} · lift over control, {Math.round(e.confidence * 1000) / 10}% interval
            </span>
          </h3>
          <div className="scroll">
            <table id={`experiment-${e.step}`}>
              <thead>
                <tr>
                  {['Branch', 'Runs', 'Converted', 'Rate', 'Value', 'Lift', 'Interval', ''].map((t) => (
                    <th key={t}>{t}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {e.branches.map((b) => (
                  <tr key={b.label} data-branch={b.label} className={b.winner ? 'winner' : undefined}>
                    <td>
                      {b.label}
                      {b.control ? <span className="muted"> control</span> : null}
                    </td>
                    <td className="n">{b.runs}</td>
                    <td className="n">{b.converted}</td>
                    <td className="n">{rate(b.rate)}</td>
                    <td className="n">{amount(b.value)}</td>
                    <td className="n" title={b.liftWhy ?? ''}>
                      {b.lift ? signed(b.lift.lift) : '—'}
                    </td>
                    <td className="n">{b.lift ? `${signed(b.lift.low)} … ${signed(b.lift.high)}` : ''}</td>
                    <td>{b.winner ? <strong>winner</strong> : b.leading ? 'leading' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {e.winner ? (
            <p className="decided">
              Winner {e.winner.branch}: {e.winner.reason}
              {e.winner.at ? ` (decided ${when(e.winner.at)})` : ''}
            </p>
          ) : e.pending ? (
            <p className="muted pending">No winner yet: {e.pending}</p>
          ) : null}
        </div>
      ))}
      {report.credits.length ? (
        <>
          <h3>Conversions credited to the last send before them</h3>
          <table id="credits">
            <thead>
              <tr>
                <th>Step</th>
                <th>Goal</th>
                <th>Converted</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {report.credits.map((c) => (
                <tr key={`${c.step}/${c.goal}`} data-step={c.step}>
                  <td>{c.title}</td>
                  <td>{c.goal}</td>
                  <td className="n">{c.converted}</td>
                  <td className="n">{amount(c.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
