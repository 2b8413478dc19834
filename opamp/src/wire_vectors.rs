//! The golden wire vectors of spec/OPAMP.md §4 (checked there with protobuf-python): the
//! messages encode to exactly these bytes and decode back.

use prost::Message;

use crate::capabilities::server_flags;
use crate::framing;
use crate::proto::*;

const UID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const RULES_HASH: &str = "e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e0";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// `message` encodes to `expected` and decodes back to itself.
fn golden<T: Message + Default + PartialEq + std::fmt::Debug>(message: T, expected: &str) {
    assert_eq!(message.encode_to_vec(), hex(expected), "{message:?}");
    assert_eq!(T::decode(hex(expected).as_slice()).unwrap(), message);
}

fn first_report() -> AgentToServer {
    AgentToServer {
        instance_uid: UID.to_vec(),
        sequence_num: 1,
        capabilities: 0x3003,
        agent_description: Some(AgentDescription {
            identifying_attributes: vec![KeyValue::string("service.name", "agent")],
            non_identifying_attributes: Vec::new(),
        }),
        ..Default::default()
    }
}

#[test]
fn first_report_and_as_a_websocket_message() {
    let expected = "0a100102030405060708090a0b0c0d0e0f1010011a190a170a0c736572766963652e6e616d6512070a056167656e74208360";
    golden(first_report(), expected);
    let framed = framing::encode(&first_report());
    assert_eq!(framed, hex(&format!("00{expected}")));
    assert_eq!(framing::decode::<AgentToServer>(&framed, 1024).unwrap(), first_report());
}

#[test]
fn heartbeat() {
    let message = AgentToServer { instance_uid: UID.to_vec(), sequence_num: 2, capabilities: 0x3003, ..Default::default() };
    golden(message, "0a100102030405060708090a0b0c0d0e0f101002208360");
}

#[test]
fn remote_config_offer() {
    let file = AgentConfigFile { body: b"rules: []\n".to_vec(), content_type: "text/yaml".into() };
    let message = ServerToAgent {
        instance_uid: UID.to_vec(),
        remote_config: Some(AgentRemoteConfig {
            config: Some(AgentConfigMap { config_map: [("ottl.yaml".to_string(), file)].into() }),
            config_hash: hex(RULES_HASH),
        }),
        capabilities: 7,
        ..Default::default()
    };
    golden(
        message,
        "0a100102030405060708090a0b0c0d0e0f101a4a0a260a240a096f74746c2e79616d6c12170a0a72756c65733a205b5d0a1209746578742f79616d6c1220e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e03807",
    );
}

#[test]
fn failed_status() {
    let message = AgentToServer {
        instance_uid: UID.to_vec(),
        sequence_num: 3,
        capabilities: 0x3003,
        remote_config_status: Some(RemoteConfigStatus {
            last_remote_config_hash: hex(RULES_HASH),
            status: RemoteConfigStatuses::Failed as i32,
            error_message: "bad rule".into(),
        }),
        ..Default::default()
    };
    golden(
        message,
        "0a100102030405060708090a0b0c0d0e0f1010032083603a2e0a20e0dfa70eb69d47fe9cb2be8a4fcd53e74cf7fe26fcbb1f06912b57a9c028e4e010031a086261642072756c65",
    );
}

#[test]
fn disconnect_is_present_though_empty() {
    let message = AgentToServer {
        instance_uid: UID.to_vec(),
        sequence_num: 4,
        capabilities: 0x3003,
        agent_disconnect: Some(AgentDisconnect {}),
        ..Default::default()
    };
    golden(message, "0a100102030405060708090a0b0c0d0e0f1010042083604a00");
}

#[test]
fn unavailable_with_retry_info() {
    let message = ServerToAgent {
        instance_uid: UID.to_vec(),
        error_response: Some(ServerErrorResponse {
            r#type: ServerErrorResponseType::Unavailable as i32,
            error_message: "busy".into(),
            details: Some(server_error_response::Details::RetryInfo(RetryInfo { retry_after_nanoseconds: 5_000_000_000 })),
        }),
        ..Default::default()
    };
    golden(message, "0a100102030405060708090a0b0c0d0e0f10121008021204627573791a060880e497d012");
}

#[test]
fn report_full_state() {
    let message = ServerToAgent {
        instance_uid: UID.to_vec(),
        flags: server_flags::REPORT_FULL_STATE,
        capabilities: 7,
        ..Default::default()
    };
    golden(message, "0a100102030405060708090a0b0c0d0e0f1030013807");
}

#[test]
fn websocket_headers_other_than_zero_are_refused() {
    let message = first_report().encode_to_vec();
    // No header (opamp-go's legacy form), a header of 1, a truncated varint, nothing.
    for bytes in [message.clone(), [&[1u8][..], &message].concat(), vec![0x80], Vec::new()] {
        assert_eq!(framing::decode::<AgentToServer>(&bytes, 1024), Err(crate::DecodeError::BadHeader), "{bytes:02x?}");
    }
    // Zero-length data after the header: a message with every field at its default.
    assert_eq!(framing::decode::<ServerToAgent>(&[0], 1024), Ok(ServerToAgent::default()));
}

#[test]
fn a_truncated_message_or_one_over_the_limit_is_an_error() {
    let framed = framing::encode(&first_report());
    assert!(matches!(
        framing::decode::<AgentToServer>(&framed[..framed.len() - 8], 1024),
        Err(crate::DecodeError::BadProtobuf(_))
    ));
    assert_eq!(framing::decode::<AgentToServer>(&framed, 10), Err(crate::DecodeError::TooLarge { limit: 10 }));
}
