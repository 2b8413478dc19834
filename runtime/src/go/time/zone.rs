//! Locations (`time.LoadLocation`, with the zone data of `chrono-tz`) and where
//! `time.ParseInLocation` puts the fields it read.

use std::str::FromStr as _;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};

use super::parse::{Fields, go_atoi};
use crate::bail;
use crate::error::{Error, Result};

/// The location of a parsed time: a fixed offset, or a time zone whose offset depends on
/// the instant.
#[derive(Clone, Copy)]
pub(crate) enum Zone {
    Fixed(i32),
    Named(Tz),
}

fn fixed(offset_seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(offset_seconds).unwrap_or_else(|| Utc.fix())
}

/// `wall` moved by `seconds`, saturating at the edge of the calendar.
pub(crate) fn shifted(wall: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    wall.checked_add_signed(TimeDelta::seconds(seconds)).unwrap_or(wall)
}

impl Zone {
    /// The zone's offset (seconds east of UTC) at an instant.
    fn offset_at(self, instant: NaiveDateTime) -> i32 {
        match self {
            Zone::Fixed(offset) => offset,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&instant).fix().local_minus_utc(),
        }
    }

    /// The zone's abbreviation (`EST`) at an instant, if it has one.
    fn abbreviation_at(self, instant: NaiveDateTime) -> Option<String> {
        match self {
            Zone::Fixed(_) => None,
            Zone::Named(tz) => tz.offset_from_utc_datetime(&instant).abbreviation().map(str::to_string),
        }
    }

    /// The instant whose wall clock here is `wall`, chosen as Go's `time.Date` does: the
    /// offset in effect at `wall` read as UTC, corrected once if the result lies in another
    /// period (so a wall clock in a gap or an overlap gets Go's answer).
    fn instant_of(self, wall: NaiveDateTime) -> NaiveDateTime {
        let guess = self.offset_at(wall);
        let instant = shifted(wall, -i64::from(guess));
        let actual = self.offset_at(instant);
        if actual == guess { instant } else { shifted(wall, -i64::from(actual)) }
    }
}

/// Go's `Location.lookupName`: the offset the abbreviation `name` has in `tz` around `wall`,
/// preferring one in effect at the instant it gives.
fn offset_named(tz: Tz, name: &str, wall: NaiveDateTime) -> Option<i32> {
    const HALF_YEAR_SECONDS: i64 = 182 * 24 * 3600;
    let zone = Zone::Named(tz);
    let candidates: Vec<i32> = [0, -HALF_YEAR_SECONDS, HALF_YEAR_SECONDS]
        .into_iter()
        .map(|delta| shifted(wall, delta))
        .filter(|probe| zone.abbreviation_at(*probe).as_deref() == Some(name))
        .map(|probe| zone.offset_at(probe))
        .collect();
    let in_effect = |offset: &&i32| zone.abbreviation_at(shifted(wall, -i64::from(**offset))).as_deref() == Some(name);
    candidates.iter().find(in_effect).or(candidates.first()).copied()
}

/// `time.LoadLocation`, with the reference's error text. The local zone is taken as UTC.
pub(crate) fn load_location(name: &str) -> Result<Tz> {
    match name {
        "" | "UTC" | "Local" => Ok(Tz::UTC),
        _ if name.contains("..") || name.starts_with(['/', '\\']) => {
            bail!("failed to load location {name}: time: invalid location name")
        }
        _ => Tz::from_str(name).map_err(|_| Error::new(format!("failed to load location {name}: unknown time zone {name}"))),
    }
}

/// A parsed time: its instant (as a UTC wall clock) and its location.
pub(crate) struct Parsed {
    pub(crate) instant: NaiveDateTime,
    pub(crate) zone: Zone,
}

impl Parsed {
    /// The instant whose wall clock in `zone` is `wall`.
    pub(crate) fn at(wall: NaiveDateTime, zone: Zone) -> Parsed {
        Parsed { instant: zone.instant_of(wall), zone }
    }

    pub(crate) fn wall(&self) -> NaiveDateTime {
        shifted(self.instant, i64::from(self.zone.offset_at(self.instant)))
    }

    pub(crate) fn to_datetime(&self) -> DateTime<FixedOffset> {
        fixed(self.zone.offset_at(self.instant)).from_utc_datetime(&self.instant)
    }

    /// Where Go's `ParseInLocation` puts the fields: at `Z`/`UTC`, at a numeric offset, at
    /// a zone abbreviation known to the location, else in the location.
    pub(crate) fn resolve(fields: &Fields, location: Tz) -> Result<Parsed> {
        let wall = fields.wall;
        if fields.utc {
            return Ok(Parsed::at(wall, Zone::Fixed(0)));
        }
        let local = Zone::Named(location);
        if let Some(offset) = fields.zone_offset {
            let instant = shifted(wall, -i64::from(offset));
            let same_name = fields.zone_name.as_ref().is_none_or(|name| local.abbreviation_at(instant).as_ref() == Some(name));
            let zone = if local.offset_at(instant) == offset && same_name { local } else { Zone::Fixed(offset) };
            return Ok(Parsed { instant, zone });
        }
        match &fields.zone_name {
            Some(name) => Parsed::at_zone_name(wall, name, location),
            None => Ok(Parsed::at(wall, local)),
        }
    }

    /// A wall clock with a zone abbreviation: at the abbreviation's offset in the location;
    /// else `GMT±h` at its offset; else, as `timeutils` corrects it, in the time zone of that
    /// name (an error if there is none).
    fn at_zone_name(wall: NaiveDateTime, name: &str, location: Tz) -> Result<Parsed> {
        let at_offset = |offset: i32, zone: Zone| Parsed { instant: shifted(wall, -i64::from(offset)), zone };
        if let Some(offset) = offset_named(location, name, wall) {
            return Ok(at_offset(offset, Zone::Named(location)));
        }
        let gmt_hours = name.strip_prefix("GMT").filter(|hours| !hours.is_empty()).and_then(|hours| go_atoi(hours.as_bytes()));
        let offset = gmt_hours.map_or(0, |hours| (hours * 3600) as i32);
        let unknown = at_offset(offset, Zone::Fixed(offset));
        if offset != 0 || Zone::Named(location).abbreviation_at(unknown.instant).as_deref() == Some(name) {
            return Ok(unknown);
        }
        let named = load_location(name)?;
        Ok(match offset_named(named, name, wall) {
            Some(offset) => at_offset(offset, Zone::Named(named)),
            None => unknown,
        })
    }
}

/// Go's `time.Date` calendar arithmetic: a day past the end of the month rolls over into
/// the next (February 29 in a common year is March 1).
pub(crate) fn go_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_days(Days::new(u64::from(day.saturating_sub(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_dates() {
        assert_eq!(load_location("Local").unwrap(), Tz::UTC);
        assert_eq!(load_location("America/New_York").unwrap(), Tz::America__New_York);
        assert_eq!(
            load_location("Mars/Olympus").unwrap_err().message(),
            "failed to load location Mars/Olympus: unknown time zone Mars/Olympus"
        );
        assert_eq!(load_location("../etc").unwrap_err().message(), "failed to load location ../etc: time: invalid location name");
        assert_eq!(go_date(2023, 2, 29).map(|d| d.to_string()).as_deref(), Some("2023-03-01"));
    }
}
