"""Operations of connected channels (SPEC §9) that the tests send."""

CHANNELS = """
query Channels($id: ID!) {
  subscription(id: $id) { id quantity connectedUnits channels { id name connectedAt } }
}
"""

CONNECT_CHANNEL = """
mutation Connect($input: ConnectChannelInput!) {
  connectChannel(input: $input) {
    channel { id name connectedAt subscription { id } }
    subscription { id quantity connectedUnits channels { name } }
    errors { code message field }
  }
}
"""

DISCONNECT_CHANNEL = """
mutation Disconnect($input: DisconnectChannelInput!) {
  disconnectChannel(input: $input) {
    subscription { id quantity connectedUnits channels { name } }
    errors { code message field }
  }
}
"""

CHANNEL_NODE = """
query ChannelNode($id: ID!) { node(id: $id) { __typename id ... on Channel { name } } }
"""
