/**
 * My meetings: an employee's WebEx meetings for today and the next 7 days on the home page, read
 * as the company's Service App and kept briefly per employee, zone and day; the zone arithmetic
 * behind "today", and how a list is shown or why it is not.
 */
export { createViewCache, type ViewCache } from './cache';
export {
  createMeetingList,
  type Employee,
  type MeetingList,
  type MeetingListFailure,
  type MeetingRoleOfEmployee,
  type MeetingsAcrossSites,
  meetingsAcrossSites,
  type MyMeeting,
  type MyMeetings,
  WINDOW_DAYS,
} from './list';
export { type MeetingsSettings } from './settings';
export { clockTime, dayLabel, dayWindow, type DayWindow, FALLBACK_ZONE, isoInstant, parseTimeZone } from './time-zone';
export { arrangeMeetings, type MeetingRow, type MeetingStatus, MEETINGS_NOT_LOADED, meetingsNotice } from './view';
