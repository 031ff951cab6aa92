import { PERSONAL_ROOM_VALUE, ROOM_FIELD, SITE_FIELD, type LaunchTarget } from '@/lib/launch';

/**
 * Join is a POST from a form button, never a link: a link preview or a prefetch of a GET
 * would burn the one-time ticket. A meeting target travels as two fields, the personal room as
 * one, checked by /launch.
 */
export function JoinButton({
  label = 'Join WebEx',
  target,
  secondary = false,
  accessibleName,
}: {
  label?: string;
  target?: LaunchTarget;
  secondary?: boolean;
  accessibleName?: string;
}) {
  return (
    <form method="post" action="/launch">
      {target?.kind === 'meeting' && (
        <>
          <input type="hidden" name="meeting" value={target.number} />
          <input type="hidden" name="role" value={target.role} />
        </>
      )}
      {target?.kind === 'personal-room' && <input type="hidden" name={ROOM_FIELD} value={PERSONAL_ROOM_VALUE} />}
      {target?.site && <input type="hidden" name={SITE_FIELD} value={target.site} />}
      <button type="submit" className={secondary ? 'secondary' : undefined} aria-label={accessibleName}>
        {label}
      </button>
    </form>
  );
}
