import { useEffect, useRef, useState } from 'react';

/**
 * Asks for the bearer token once; a modal <dialog>, so focus stays in it and Escape cancels. The field is emptied
 * as soon as the dialog is done with (submitted or cancelled): React writes a controlled input's value into the
 * DOM, and a closed dialog's field would keep the token in the page (a saved page, a DOM snapshot) for its life.
 */
export function TokenDialog({ open, note, onSubmit, onCancel }: { open: boolean; note?: string; onSubmit: (token: string) => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState('');
  const cancel = () => {
    setValue('');
    onCancel();
  };
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setValue('');
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="token-h" onCancel={cancel} className="token-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          const token = value.trim();
          if (!token) return;
          setValue('');
          onSubmit(token);
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
          <button type="button" onClick={cancel}>
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
