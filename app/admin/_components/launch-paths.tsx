import { type LaunchApi, launchPathFor, type LaunchTarget } from '@/lib/launch';
import { parseMeetingNumber } from '@/lib/webex';

// any meeting number: the path depends on the kind of button, not on the meeting
const MEETING = parseMeetingNumber('123456789');

const BUTTONS: { button: string; where: string; target: LaunchTarget; xml: string; rest: string }[] = [
  {
    button: 'Join WebEx',
    where: 'home page',
    target: { kind: 'home' },
    xml: 'XML API: GetLoginTicket as the host, then p.php signs them in to the site’s home',
    rest: '',
  },
  ...(MEETING
    ? [
        {
          button: 'Join',
          where: 'meeting page',
          target: { kind: 'meeting', number: MEETING, role: 'join' } as const,
          xml: 'XML API: GetLoginTicket, then p.php with MU = m.php?AT=JM',
          rest: 'REST: POST /meetings/join by the Service App (hostEmail, the employee’s e-mail and name) → joinLink',
        },
        {
          button: 'Start as host',
          where: 'meeting page',
          target: { kind: 'meeting', number: MEETING, role: 'host' } as const,
          xml: 'XML API: GetLoginTicket, then p.php with MU = m.php?AT=HM',
          rest: 'REST: POST /meetings/join by the Service App (hostEmail = the employee) → startLink',
        },
      ]
    : []),
  {
    button: 'Start my personal room',
    where: 'home page',
    target: { kind: 'personal-room' },
    xml: '',
    rest: 'REST: GET /meetingPreferences/personalMeetingRoom, then POST /meetings/join with its webLink → startLink',
  },
];

/** Which API each employee button uses under WEBEX_LAUNCH_API (README, "The REST path"). */
export function LaunchPaths({ api }: { api: LaunchApi }) {
  return (
    <>
      <h2>Which path each button takes</h2>
      <p className="muted">
        WEBEX_LAUNCH_API=<code>{api}</code>:{' '}
        {api === 'xml'
          ? 'every button uses the XML API.'
          : api === 'rest'
            ? 'meetings only, through the Service App; the XML API is not used.'
            : 'meetings through the Service App, the site’s home through the XML API.'}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Button</th>
            <th scope="col">Path</th>
          </tr>
        </thead>
        <tbody>
          {BUTTONS.map(({ button, where, target, xml, rest }) => {
            const path = launchPathFor(api, target);
            return (
              <tr key={button} data-testid={`path-${button}`}>
                <td>
                  {button} <span className="muted">({where})</span>
                </td>
                <td>{path === 'xml' ? xml : path === 'rest' ? rest : <span className="muted">not offered</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
