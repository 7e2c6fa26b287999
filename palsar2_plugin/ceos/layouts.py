"""Record layouts of ALOS-2/PALSAR-2 CEOS L1.1/L1.5 products (volume, leader, image, trailer).

Offsets are 1-based and inclusive, copied from ``docs/ceos_format.md`` (JAXA's format document);
formats follow the JAXA sample product byte for byte (see tests/core/test_ceos_layouts.py).
The same tables drive the parser (``Layout.parse``) and the writer (``Layout.build``).
Units: angles degrees unless a name says otherwise, times UTC, lengths metres unless noted.
"""

from __future__ import annotations

from .fields import Field as F, Layout

# Header codes (1st subtype, record type, 2nd subtype, 3rd subtype), §2 of the notes.
CODES_VOL_DESCRIPTOR = (192, 192, 18, 18)
CODES_FILE_POINTER = (219, 192, 18, 18)
CODES_TEXT = (18, 192, 18, 18)
CODES_LED_FDR = (11, 192, 18, 18)
CODES_DSS = (18, 10, 18, 20)
CODES_MAP = (18, 20, 18, 20)
CODES_PLATFORM = (18, 30, 18, 20)
CODES_ATTITUDE = (18, 40, 18, 20)
CODES_RADIOMETRIC = (18, 50, 18, 20)
CODES_DATA_QUALITY = (18, 60, 18, 20)
CODES_FACILITY = (18, 200, 18, 70)
CODES_IMG_FDR = (50, 192, 18, 18)
CODES_SIGNAL = (50, 10, 18, 20)
CODES_PROCESSED = (50, 11, 18, 20)
CODES_TRL_FDR = (63, 192, 18, 18)

#: Leader record lengths written for L1.1 (and read in the JAXA sample).
DSS_LENGTH = 4096
MAP_LENGTH = 1620
PLATFORM_LENGTH = 4680
ATTITUDE_LENGTH = 16384
RADIOMETRIC_LENGTH = 9860
DATA_QUALITY_LENGTH = 1620
FACILITY_LENGTHS = (325000, 511000, 3072, 728000, 5000)
SIGNAL_PREFIX_BYTES = 544
PROCESSED_PREFIX_BYTES = 192
FDR_LENGTH = 720
VOLUME_RECORD_LENGTH = 360

NUMBER_OF_STATE_VECTORS = 28

# Common first 180 bytes of the leader/image/trailer file descriptor records.
_FDR_COMMON = (
    F(13, "A2", "ascii_flag"),
    F(15, "A2", "continuation_flag"),
    F(17, "A12", "format_document"),
    F(29, "A2", "format_revision", justify="right"),
    F(31, "A2", "record_format_revision", justify="right"),
    F(33, "A12", "software_version"),
    F(45, "I4", "file_number"),
    F(49, "A16", "file_id"),
    F(65, "A4", "sequence_flag"),
    F(69, "I8", "sequence_location"),
    F(77, "I4", "sequence_length"),
    F(81, "A4", "code_flag"),
    F(85, "I8", "code_location"),
    F(93, "I4", "code_length"),
    F(97, "A4", "length_flag"),
    F(101, "I8", "length_location"),
    F(109, "I4", "length_length"),
)

_LEADER_TABLE_NAMES = ("dss", "map_projection", "platform_position", "attitude", "radiometric",
                       "radiometric_compensation", "data_quality", "histogram", "range_spectra",
                       "dem_descriptor", "radar_parameter_update", "annotation", "detailed_processing",
                       "calibration", "gcp")

VOLUME_DESCRIPTOR = Layout("volume descriptor", CODES_VOL_DESCRIPTOR, VOLUME_RECORD_LENGTH, (
    F(13, "A2", "ascii_flag"),
    F(15, "A2", "continuation_flag"),
    F(17, "A12", "format_document"),
    F(29, "A2", "format_revision", justify="right"),
    F(31, "A2", "record_format_revision", justify="right"),
    F(33, "A12", "software_version"),
    F(45, "A16", "physical_volume_id"),
    F(61, "A16", "logical_volume_id"),
    F(77, "A16", "volume_set_id"),
    F(93, "I2", "number_of_physical_volumes"),
    F(95, "I2", "first_physical_volume"),
    F(97, "I2", "last_physical_volume"),
    F(99, "I2", "current_physical_volume"),
    F(101, "I4", "first_file_number"),
    F(105, "I4", "logical_volume_in_set"),
    F(109, "I4", "logical_volume_number"),
    F(113, "A8", "creation_date", "YYYYMMDD"),
    F(121, "A8", "creation_time", "hhmmssff"),
    F(129, "A12", "country"),
    F(141, "A8", "agency"),
    F(149, "A12", "facility"),
    F(161, "I4", "number_of_file_pointers"),
    F(165, "I4", "number_of_text_records"),
))

FILE_POINTER = Layout("file pointer", CODES_FILE_POINTER, VOLUME_RECORD_LENGTH, (
    F(13, "A2", "ascii_flag"),
    F(17, "I4", "file_number"),
    F(21, "A16", "file_id"),
    F(37, "A28", "file_class"),
    F(65, "A4", "file_class_code"),
    F(69, "A28", "data_type"),
    F(97, "A4", "data_type_code"),
    F(101, "I8", "number_of_records"),
    F(109, "I8", "first_record_length", "bytes"),
    F(117, "I8", "max_record_length", "bytes"),
    F(125, "A12", "record_length_type"),
    F(137, "A4", "record_length_type_code"),
    F(141, "I2", "first_physical_volume"),
    F(143, "I2", "last_physical_volume"),
    F(145, "I8", "first_record_number"),
    F(153, "I8", "last_record_number"),
))

TEXT_RECORD = Layout("text record", CODES_TEXT, VOLUME_RECORD_LENGTH, (
    F(13, "A2", "ascii_flag"),
    F(15, "A2", "continuation_flag"),
    F(17, "A40", "product_type"),
    F(57, "A60", "process"),
    F(117, "A40", "tape_id"),
    F(157, "A40", "orbit"),
    F(197, "A40", "frame_centre"),
))

LEADER_FDR = Layout("leader file descriptor", CODES_LED_FDR, FDR_LENGTH, _FDR_COMMON + tuple(
    f for k, name in enumerate(_LEADER_TABLE_NAMES) for f in (
        F(181 + 12 * k, "I6", f"{name}_count"), F(187 + 12 * k, "I6", f"{name}_length", "bytes"))
) + tuple(
    f for k in range(5) for f in (
        F(421 + 14 * k, "I6", f"facility{k + 1}_count"),
        F(427 + 14 * k, "I8", f"facility{k + 1}_length", "bytes"))
))

TRAILER_FDR = Layout("trailer file descriptor", CODES_TRL_FDR, FDR_LENGTH, LEADER_FDR.fields + (
    F(491, "I6", "number_of_low_resolution_images"),
    F(497, "I8", "low_resolution_record_length", "bytes"),
    F(505, "I6", "low_resolution_pixels"),
    F(511, "I6", "low_resolution_lines"),
    F(517, "I6", "low_resolution_bytes_per_sample"),
))

IMAGE_FDR = Layout("image file descriptor", CODES_IMG_FDR, FDR_LENGTH, _FDR_COMMON + (
    F(181, "I6", "number_of_records"),
    F(187, "I6", "record_length", "bytes"),
    F(217, "I4", "bits_per_sample"),
    F(221, "I4", "samples_per_group"),
    F(225, "I4", "bytes_per_group"),
    F(233, "I4", "number_of_channels"),
    F(237, "I8", "number_of_lines"),
    F(245, "I4", "left_border_pixels"),
    F(249, "I8", "number_of_pixels"),
    F(257, "I4", "right_border_pixels"),
    F(261, "I4", "top_border_lines"),
    F(265, "I4", "bottom_border_lines"),
    F(269, "A4", "interleaving"),
    F(273, "I2", "records_per_line"),
    F(275, "I2", "records_per_channel"),
    F(277, "I4", "prefix_bytes"),
    F(281, "I8", "data_bytes"),
    F(289, "I4", "suffix_bytes"),
    F(297, "A8", "line_number_locator", justify="right"),
    F(305, "A8", "channel_number_locator", justify="right"),
    F(313, "A8", "time_locator", justify="right"),
    F(321, "A8", "left_fill_locator", justify="right"),
    F(329, "A8", "right_fill_locator", justify="right"),
    F(369, "A8", "sar_data_indicator_locator", justify="right"),
    F(401, "A28", "sample_data_type"),
    F(429, "A4", "format_code"),
    F(433, "I4", "left_fill_bits"),
    F(437, "I4", "right_fill_bits"),
    F(441, "I8", "maximum_data_range"),
    F(449, "I4", "number_of_bursts"),
    F(453, "I4", "lines_per_burst"),
    F(457, "I4", "burst_overlap_lines"),
))

DATA_SET_SUMMARY = Layout("data set summary", CODES_DSS, DSS_LENGTH, (
    F(13, "I4", "sequence_number"),
    F(17, "I4", "sar_channel_id"),
    F(21, "A32", "scene_id"),
    F(53, "A16", "scene_reference"),
    F(69, "A32", "scene_centre_time", "YYYYMMDDhhmmssttt UTC"),
    F(117, "F16.7", "centre_latitude", "deg"),
    F(133, "F16.7", "centre_longitude", "deg"),
    F(149, "F16.7", "centre_heading", "deg"),
    F(165, "A16", "ellipsoid"),
    F(181, "F16.7", "semi_major_axis", "km"),
    F(197, "F16.7", "semi_minor_axis", "km"),
    F(213, "F16.7", "earth_mass", "1e24 kg"),
    F(229, "F16.7", "gravitational_constant", "1e14 m3/s2"),
    F(245, "F16.7", "j2"),
    F(261, "F16.7", "j3"),
    F(277, "F16.7", "j4"),
    F(325, "I8", "centre_line", "0-based line"),
    F(333, "I8", "centre_pixel", "0-based pixel"),
    F(389, "I4", "number_of_sar_channels"),
    F(397, "A16", "mission_id"),
    F(413, "A32", "sensor_id"),
    F(445, "A8", "orbit_number", justify="right"),
    F(453, "F8.3", "nadir_latitude", "deg"),
    F(461, "F8.3", "nadir_longitude", "deg"),
    F(469, "F8.3", "nadir_heading", "deg"),
    F(477, "F8.3", "clock_angle", "deg; +90 right-looking, -90 left-looking"),
    F(485, "F8.3", "centre_incidence_angle", "deg"),
    F(501, "F16.7", "wavelength", "m"),
    F(517, "A2", "motion_compensation"),
    F(519, "A16", "range_pulse_code"),
    F(535, "E16.7", "chirp_constant", "Hz"),
    F(551, "E16.7", "chirp_linear", "Hz/s"),
    F(567, "E16.7", "chirp_quadratic", "Hz/s2"),
    F(583, "E16.7", "chirp_cubic"),
    F(599, "E16.7", "chirp_quartic"),
    F(711, "F16.7", "range_sampling_rate", "MHz"),
    F(727, "F16.7", "range_gate_delay", "us"),
    F(743, "F16.7", "range_pulse_length", "us"),
    F(759, "A4", "baseband_conversion"),
    F(763, "A4", "range_compression"),
    F(767, "F16.7", "receiver_gain_like", "dB"),
    F(783, "F16.7", "receiver_gain_cross", "dB"),
    F(799, "I8", "quantisation_bits"),
    F(807, "A16", "quantiser_description"),
    F(931, "A4", "echo_tracker"),
    F(935, "F16.7", "prf", "mHz"),
    F(951, "F16.7", "antenna_beam_width_elevation", "deg"),
    F(967, "F16.7", "antenna_beam_width_azimuth", "deg"),
    F(1047, "A16", "processing_facility"),
    F(1063, "A8", "processing_system"),
    F(1071, "A8", "processing_version"),
    F(1095, "A16", "product_level"),
    F(1111, "A32", "product_type"),
    F(1175, "F16.7", "azimuth_looks"),
    F(1191, "F16.7", "range_looks"),
    F(1207, "F16.7", "bandwidth_per_look_azimuth", "Hz"),
    F(1223, "F16.7", "bandwidth_per_look_range", "Hz"),
    F(1239, "F16.7", "processor_bandwidth_azimuth", "Hz"),
    F(1255, "F16.7", "processor_bandwidth_range", "kHz"),
    F(1271, "A32", "weighting_azimuth", justify="right"),
    F(1303, "A32", "weighting_range", justify="right"),
    F(1335, "A16", "data_input_source"),
    F(1351, "F16.7", "nominal_resolution_range", "m"),
    F(1367, "F16.7", "nominal_resolution_azimuth", "m"),
    F(1415, "F16.7", "doppler_along_track", "Hz, Hz/px, Hz/px2", count=3),
    F(1479, "F16.7", "doppler_cross_track", "Hz, Hz/px, Hz/px2", count=3),
    F(1527, "A8", "time_direction_pixel"),
    F(1535, "A8", "time_direction_line", "ASCEND / DESCEND"),
    F(1543, "F16.7", "doppler_rate_along_track", count=3),
    F(1607, "F16.7", "doppler_rate_cross_track", count=3),
    F(1671, "A8", "line_content"),
    F(1679, "A4", "clutter_lock"),
    F(1683, "A4", "autofocus"),
    F(1687, "F16.7", "line_spacing", "m"),
    F(1703, "F16.7", "pixel_spacing", "m"),
    F(1719, "A16", "range_compression_designator"),
    F(1735, "F16.7", "doppler_centroid_constant", "Hz"),
    F(1751, "F16.7", "doppler_centroid_linear", "Hz per km of slant range"),
    F(1767, "I4", "calibration_data_indicator"),
    F(1771, "I8", "calibration_start_line_upper"),
    F(1779, "I8", "calibration_end_line_upper"),
    F(1787, "I8", "calibration_start_line_bottom"),
    F(1795, "I8", "calibration_end_line_bottom"),
    F(1803, "I4", "prf_switching_flag"),
    F(1807, "I8", "prf_switching_line"),
    F(1815, "F16.7", "beam_centre_direction"),
    F(1831, "I4", "yaw_steering_flag"),
    F(1835, "I4", "parameter_table_number"),
    F(1839, "F16.7", "off_nadir_angle", "deg"),
    F(1855, "I4", "antenna_beam_number"),
    F(1887, "E20.13", "incidence_polynomial", "rad per (km of slant range)^k", count=6),
    F(2007, "I8", "number_of_annotation_points"),
))

MAP_PROJECTION = Layout("map projection", CODES_MAP, MAP_LENGTH, (
    F(29, "A32", "descriptor"),
    F(61, "I16", "pixels"),
    F(77, "I16", "lines"),
    F(93, "F16.7", "pixel_spacing", "m"),
    F(109, "F16.7", "line_spacing", "m"),
    F(237, "A32", "ellipsoid"),
    F(269, "F16.7", "semi_major_axis", "m"),
    F(285, "F16.7", "semi_minor_axis", "m"),
    F(413, "A32", "projection_id"),
    F(445, "A32", "projection_name"),
    F(477, "I4", "utm_zone"),
    F(481, "F16.5", "false_easting", "m"),
    F(497, "F16.5", "false_northing", "m"),
    F(513, "F16.7", "centre_longitude", "deg"),
    F(529, "F16.7", "centre_latitude", "deg"),
    F(577, "F16.7", "scale_factor"),
    F(945, "F16.7", "corner_northing_easting",
      "km; (N, E) of first-line-first-pixel, first-line-last, last-line-last, last-line-first", count=8),
    F(1073, "F16.7", "corner_lat_lon",
      "deg; (lat, lon) of first-line-first-pixel, first-line-last, last-line-last, last-line-first", count=8),
))

PLATFORM_POSITION = Layout("platform position", CODES_PLATFORM, PLATFORM_LENGTH, (
    F(13, "A32", "orbital_elements_designator"),
    F(45, "F16.7", "centre_state", "ECR m, m/s at the scene centre time", count=6),
    F(141, "I4", "number_of_points"),
    F(145, "I4", "year"),
    F(149, "I4", "month"),
    F(153, "I4", "day"),
    F(157, "I4", "day_of_year"),
    F(161, "E22.15", "seconds_of_day", "s UTC of the first point"),
    F(183, "E22.15", "interval", "s"),
    F(205, "A64", "reference_frame"),
    F(269, "E22.15", "greenwich_mean_hour_angle", "deg"),
    F(291, "F16.7", "position_errors", "m along, cross, radial; m/s", count=6),
    F(387, "E22.15", "x", "m ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(409, "E22.15", "y", "m ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(431, "E22.15", "z", "m ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(453, "E22.15", "vx", "m/s ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(475, "E22.15", "vy", "m/s ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(497, "E22.15", "vz", "m/s ECR", count=NUMBER_OF_STATE_VECTORS, step=132),
    F(387 + 132 * NUMBER_OF_STATE_VECTORS + 18, "I1", "leap_second_flag"),
))

#: Attitude points written by the writer (isce3 accepts 22 or 62); a 16384-byte record holds up to 136.
ATTITUDE_POINTS = 22
MAX_ATTITUDE_POINTS = (ATTITUDE_LENGTH - 16) // 120


def attitude_layout(points: int = ATTITUDE_POINTS) -> Layout:
    """Attitude record with ``points`` points of 120 bytes from byte 17."""
    n = points
    return Layout("attitude", CODES_ATTITUDE, ATTITUDE_LENGTH, (
        F(13, "I4", "number_of_points"),
        F(17, "I4", "day_of_year", "1-based", count=n, step=120),
        F(21, "I8", "milliseconds_of_day", "ms UTC", count=n, step=120),
        F(29, "I4", "pitch_flag", count=n, step=120),
        F(33, "I4", "roll_flag", count=n, step=120),
        F(37, "I4", "yaw_flag", count=n, step=120),
        F(41, "E14.6", "pitch", "deg", count=n, step=120),
        F(55, "E14.6", "roll", "deg", count=n, step=120),
        F(69, "E14.6", "yaw", "deg", count=n, step=120),
        F(83, "I4", "pitch_rate_flag", count=n, step=120),
        F(87, "I4", "roll_rate_flag", count=n, step=120),
        F(91, "I4", "yaw_rate_flag", count=n, step=120),
        F(95, "E14.6", "pitch_rate", "deg/s", count=n, step=120),
        F(109, "E14.6", "roll_rate", "deg/s", count=n, step=120),
        F(123, "E14.6", "yaw_rate", "deg/s", count=n, step=120),
    ))


ATTITUDE = attitude_layout()

RADIOMETRIC = Layout("radiometric", CODES_RADIOMETRIC, RADIOMETRIC_LENGTH, (
    F(13, "I4", "sar_channel_id"),
    F(17, "I4", "number_of_data_sets"),
    F(21, "F16.7", "calibration_factor", "dB"),
    F(37, "F16.7", "distortion_matrices", "Re/Im of DT11, DT12, DT21, DT22, DR11..DR22", count=16),
))

DATA_QUALITY = Layout("data quality", CODES_DATA_QUALITY, DATA_QUALITY_LENGTH, (
    F(13, "I4", "record_number"),
    F(17, "A4", "sar_channel_id"),
    F(21, "A6", "last_calibration_date"),
    F(27, "I4", "number_of_channels"),
    F(31, "F16.7", "quality_figures", "ISLR, PSLR, ... (dB)", count=10),
))


def facility_raw_layout(number: int) -> Layout:
    """Facility related data record 1-4: a sequence number then raw bytes up to the header length."""
    return Layout(f"facility {number}", CODES_FACILITY, FACILITY_LENGTHS[number - 1], (
        F(13, "I4", "sequence_number"),
    ))


FACILITY_RAW = tuple(facility_raw_layout(k) for k in (1, 2, 3, 4))

FACILITY_COORDINATES = Layout("facility 5", CODES_FACILITY, FACILITY_LENGTHS[4], (
    F(13, "I4", "sequence_number"),
    F(17, "E20.10", "map_to_pixel", "a0..a9", count=10),
    F(217, "E20.10", "map_to_line", "b0..b9", count=10),
    F(417, "I4", "calibration_mode_location_flag"),
    F(421, "I8", "calibration_lines", "upper start/stop, bottom start/stop", count=4),
    F(453, "I4", "prf_switching_flag"),
    F(457, "I8", "prf_switching_line"),
    F(465, "I8", "sigma_sar_start_line"),
    F(473, "I8", "loss_lines_l10"),
    F(481, "I8", "loss_lines_l11"),
    F(1025, "E20.10", "pixel_line_to_latitude", "deg; a0 (x^4 y^4) .. a24 (constant)", count=25),
    F(1525, "E20.10", "pixel_line_to_longitude", "deg; b0 .. b24", count=25),
    F(2025, "E20.10", "origin_pixel", "0-based pixel P0"),
    F(2045, "E20.10", "origin_line", "0-based line L0"),
    F(2065, "E20.10", "lat_lon_to_pixel", "c0 .. c24", count=25),
    F(2565, "E20.10", "lat_lon_to_line", "d0 .. d24", count=25),
    F(3065, "E20.10", "origin_latitude", "deg"),
    F(3085, "E20.10", "origin_longitude", "deg"),
))

SIGNAL_PREFIX = Layout("signal data prefix", CODES_SIGNAL, None, fill=b"\0", fields=(
    F(13, "B4", "line_number", "1-based"),
    F(17, "B4", "record_index"),
    F(21, "B4", "left_fill_pixels"),
    F(25, "B4", "data_pixels"),
    F(29, "B4", "right_fill_pixels"),
    F(33, "B4", "sensor_update_flag"),
    F(37, "B4", "year"),
    F(41, "B4", "day_of_year", "1-based"),
    F(45, "B4", "milliseconds_of_day", "ms UTC"),
    F(49, "B2", "sar_channel_id", "1 single, 2 dual, 4 quad pol"),
    F(51, "B2", "sar_channel_code", "0 = L band"),
    F(53, "B2", "transmit_polarisation", "0 H, 1 V"),
    F(55, "B2", "receive_polarisation", "0 H, 1 V"),
    F(57, "B4", "prf", "mHz"),
    F(61, "B4", "scan_id", "ScanSAR beam, 1-based"),
    F(65, "B2", "onboard_range_compressed"),
    F(67, "B2", "pulse_type"),
    F(69, "B4", "chirp_length", "ns"),
    F(73, "B4", "chirp_constant", "Hz", signed=True),
    F(77, "B4", "chirp_linear", "Hz/us", signed=True),
    F(81, "B4", "chirp_quadratic", signed=True),
    F(85, "B8", "microseconds_of_day", "us UTC"),
    F(93, "B4", "receiver_gain", "dB", signed=True),
    F(97, "B4", "invalid_line_flag"),
    F(101, "B4", "electronic_elevation", "udeg", signed=True),
    F(105, "B4", "mechanical_elevation", "udeg", signed=True),
    F(109, "B4", "electronic_squint", "udeg", signed=True),
    F(113, "B4", "mechanical_squint", "udeg", signed=True),
    F(117, "B4", "slant_range", "m to the first sample"),
    F(121, "B4", "window_position", "ns"),
    F(129, "B4", "platform_update_flag"),
    F(133, "B4", "platform_latitude", "udeg", signed=True),
    F(137, "B4", "platform_longitude", "udeg", signed=True),
    F(141, "B4", "platform_altitude", "m", signed=True),
    F(145, "B4", "ground_speed", "cm/s", signed=True),
    F(149, "B4", "velocity", "cm/s x, y, z", count=3, signed=True),
    F(161, "B4", "acceleration", "cm/s2 x, y, z", count=3, signed=True),
    F(173, "B4", "track_angle", "udeg", signed=True),
    F(177, "B4", "true_track_angle", "udeg", signed=True),
    F(181, "B4", "pitch", "udeg", signed=True),
    F(185, "B4", "roll", "udeg", signed=True),
    F(189, "B4", "yaw", "udeg", signed=True),
    F(193, "B4", "latitudes", "udeg of first, centre, last pixel", count=3, signed=True),
    F(205, "B4", "longitudes", "udeg of first, centre, last pixel", count=3, signed=True),
    F(217, "B4", "burst_number"),
    F(221, "B4", "line_in_burst"),
    F(285, "B4", "frame_number"),
))

PROCESSED_PREFIX = Layout("processed data prefix", CODES_PROCESSED, None, fill=b"\0", fields=(
    F(13, "B4", "line_number", "1-based"),
    F(17, "B4", "record_index"),
    F(21, "B4", "left_fill_pixels"),
    F(25, "B4", "data_pixels"),
    F(29, "B4", "right_fill_pixels"),
    F(33, "B4", "sensor_update_flag"),
    F(37, "B4", "year"),
    F(41, "B4", "day_of_year", "1-based"),
    F(45, "B4", "milliseconds_of_day", "ms UTC"),
    F(49, "B2", "sar_channel_id"),
    F(51, "B2", "sar_channel_code"),
    F(53, "B2", "transmit_polarisation", "0 H, 1 V"),
    F(55, "B2", "receive_polarisation", "0 H, 1 V"),
    F(57, "B4", "prf", "mHz"),
    F(61, "B4", "scan_id"),
    F(65, "B4", "slant_range_first", "m"),
    F(69, "B4", "slant_range_mid", "m"),
    F(73, "B4", "slant_range_last", "m"),
    F(77, "B4", "doppler_first", "mHz", signed=True),
    F(81, "B4", "doppler_mid", "mHz", signed=True),
    F(85, "B4", "doppler_last", "mHz", signed=True),
    F(89, "B4", "fm_rate_first", signed=True),
    F(93, "B4", "fm_rate_mid", signed=True),
    F(97, "B4", "fm_rate_last", signed=True),
    F(101, "B4", "nadir_look_angle", "udeg", signed=True),
    F(105, "B4", "squint_angle", "udeg", signed=True),
    F(129, "B4", "geographic_update_flag"),
    F(133, "B4", "latitudes", "udeg of first, mid, last pixel", count=3, signed=True),
    F(145, "B4", "longitudes", "udeg of first, mid, last pixel", count=3, signed=True),
))
