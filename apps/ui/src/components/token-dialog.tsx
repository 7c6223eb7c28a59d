import { useEffect, useRef, useState } from 'react';

/** Asks for the bearer token once; a modal <dialog>, so focus stays in it and Escape cancels. */
export function TokenDialog({ open, note, onSubmit, onCancel }: { open: boolean; note?: string; onSubmit: (token: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setValue('');
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="token-h" onCancel={onCancel} className="token-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onSubmit(value.trim());
        }}
      >
        <h2 id="token-h">Token needed</h2>
        <p>
          Starting and stopping profiles needs the token that <code>berth serve</code> printed at first start (or{' '}
          <code>BERTH_TOKEN</code>). It is kept for this tab only.
        </p>
        {note && (
          <p className="error" role="alert">
            {note}
          </p>
        )}
        <label>
          Bearer token
          <input type="password" name="token" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!value.trim()}>
            Use token
          </button>
        </div>
      </form>
    </dialog>
  );
}
