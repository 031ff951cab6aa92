/** "My meetings" on the home page (WEBEX_LAUNCH_API=rest|auto). */
export interface MeetingsSettings {
  /** MEETINGS_CACHE_SECONDS: how long an employee's list is kept in memory; 0 keeps nothing */
  cacheSeconds: number;
}
