/**
 * Visible feedback for both pages, the Atlassian way: a flag (toast, bottom left) after every write, and a
 * modal that states the consequence before every destructive action. One provider at the page root; any
 * component asks through `useFeedback()`.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Flag, { AutoDismissFlag, FlagGroup } from '@atlaskit/flag';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { token } from '@atlaskit/tokens';

export interface ConfirmRequest {
  readonly title: string;
  /** What will happen, in words: the consequence, not "Are you sure?". */
  readonly body: ReactNode;
  /** The verb on the confirm button, e.g. "Retire key". */
  readonly confirmLabel: string;
}

export interface Feedback {
  /** A success flag (dismisses itself after 8 s). */
  success(title: string, description?: ReactNode): void;
  /** A warning flag that stays until dismissed (an outcome the person must notice, e.g. a retry that failed again). */
  warning(title: string, description?: ReactNode): void;
  /** Resolves true when the person confirmed, false when they cancelled or closed the dialog. */
  confirm(request: ConfirmRequest): Promise<boolean>;
}

interface FlagItem {
  readonly id: number;
  readonly kind: 'success' | 'warning';
  readonly title: string;
  readonly description?: ReactNode;
}

const FeedbackContext = createContext<Feedback | null>(null);

/** Outside a provider (unit renders) flags are dropped and confirmations are refused. */
const NO_FEEDBACK: Feedback = { success: () => undefined, warning: () => undefined, confirm: async () => false };

export function useFeedback(): Feedback {
  return useContext(FeedbackContext) ?? NO_FEEDBACK;
}

const SuccessIcon = () => (
  <span aria-hidden style={{ color: token('color.icon.success', '#22A06B'), fontWeight: 700 }}>
    ✓
  </span>
);
const WarningIcon = () => (
  <span aria-hidden style={{ color: token('color.icon.warning', '#E56910'), fontWeight: 700 }}>
    !
  </span>
);

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [flags, setFlags] = useState<readonly FlagItem[]>([]);
  const [asking, setAsking] = useState<(ConfirmRequest & { readonly answer: (ok: boolean) => void }) | null>(null);
  const nextId = useRef(1);

  const push = useCallback((kind: FlagItem['kind'], title: string, description?: ReactNode) => {
    // The same message again moves the shown flag to the top instead of stacking a twin.
    setFlags((list) => {
      const id = list.find((f) => f.title === title)?.id ?? nextId.current++;
      return [{ id, kind, title, description }, ...list.filter((f) => f.id !== id)].slice(0, 4);
    });
  }, []);
  const dismiss = useCallback((id: number | string) => setFlags((list) => list.filter((f) => f.id !== id)), []);

  const feedback = useMemo<Feedback>(
    () => ({
      success: (title, description) => push('success', title, description),
      warning: (title, description) => push('warning', title, description),
      confirm: (request) =>
        new Promise<boolean>((resolve) => {
          setAsking({
            ...request,
            answer: (ok) => {
              setAsking(null);
              resolve(ok);
            },
          });
        }),
    }),
    [push],
  );

  return (
    <FeedbackContext.Provider value={feedback}>
      {children}
      <FlagGroup onDismissed={dismiss} label="Notifications">
        {flags.map((f) =>
          f.kind === 'success' ? (
            <AutoDismissFlag key={f.id} id={f.id} title={f.title} description={f.description} icon={<SuccessIcon />} />
          ) : (
            <Flag key={f.id} id={f.id} title={f.title} description={f.description} icon={<WarningIcon />} actions={[{ content: 'Dismiss', onClick: () => dismiss(f.id) }]} />
          ),
        )}
      </FlagGroup>
      <ModalTransition>
        {asking && (
          <Modal onClose={() => asking.answer(false)} width="small">
            <ModalHeader hasCloseButton>
              <ModalTitle appearance="danger">{asking.title}</ModalTitle>
            </ModalHeader>
            <ModalBody>{asking.body}</ModalBody>
            <ModalFooter>
              <Button appearance="subtle" onClick={() => asking.answer(false)}>
                Cancel
              </Button>
              <Button appearance="danger" onClick={() => asking.answer(true)}>
                {asking.confirmLabel}
              </Button>
            </ModalFooter>
          </Modal>
        )}
      </ModalTransition>
    </FeedbackContext.Provider>
  );
}
